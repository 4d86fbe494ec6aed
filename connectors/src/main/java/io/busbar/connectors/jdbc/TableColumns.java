package io.busbar.connectors.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The columns of one table as the database stores them (exact case), with their JDBC types and the primary key.
 * Users name tables and columns in any case ({@code orders}, {@code ORDERS}); this resolves them to the stored
 * spelling, so statements can quote identifiers safely on every database. Immutable, thread-safe.
 */
public final class TableColumns {

    /** One column: its stored name, {@link java.sql.Types} code and the database's type name. */
    public record Column(String name, int sqlType, String typeName) {
    }

    private final String table;
    private final Map<String, Column> byLowerName;
    private final List<String> primaryKey;

    private TableColumns(String table, Map<String, Column> byLowerName, List<String> primaryKey) {
        this.table = table;
        this.byLowerName = byLowerName;
        this.primaryKey = primaryKey;
    }

    /** Reads the table's columns from the database metadata; fails with the fix when the table does not exist. */
    public static TableColumns load(Connection connection, String tableName) throws SQLException {
        return find(connection, tableName).orElseThrow(() -> new JdbcConfigException("Table '" + tableName
                + "' was not found in " + url(connection) + ": create it first (or set autoCreate=true), or check the"
                + " table name (and schema) in the connector's settings"));
    }

    private static String url(Connection connection) {
        try {
            return connection.getMetaData().getURL();
        } catch (SQLException e) {
            return "the database";
        }
    }

    /** The table's columns, or empty when no table of that name exists (in any of the usual letter cases). */
    public static Optional<TableColumns> find(Connection connection, String tableName) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String[] parts = tableName.split("\\.", 2);
        String schema = parts.length == 2 ? parts[0] : null;
        String name = parts.length == 2 ? parts[1] : parts[0];
        for (String candidate : new String[] {name, name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)}) {
            String schemaCandidate = schema == null ? connection.getSchema() : matchCase(schema, candidate, name);
            Map<String, Column> columns = new LinkedHashMap<>();
            String reported = columns(meta, connection.getCatalog(), schemaCandidate, candidate, columns);
            if (reported != null) {
                List<String> pk = primaryKey(meta, connection.getCatalog(), schemaCandidate, reported);
                String stored = schema == null ? reported : schemaCandidate + "." + reported;
                return Optional.of(new TableColumns(stored, columns, pk));
            }
        }
        return Optional.empty();
    }

    private static String matchCase(String schema, String candidate, String original) {
        if (candidate.equals(original)) {
            return schema;
        }
        return candidate.equals(original.toUpperCase(Locale.ROOT)) ? schema.toUpperCase(Locale.ROOT) : schema.toLowerCase(Locale.ROOT);
    }

    /**
     * Puts the table's columns into {@code columns} and returns its name as the database reports it (null: no such
     * table). The reported name, not the one asked for: MariaDB matches it case-insensitively even where table names
     * are case-sensitive, so {@code ORDERS} finds {@code orders} (say, created by another sink member between two of
     * {@link #find}'s tries), and only {@code orders} works in statements.
     */
    private static String columns(DatabaseMetaData meta, String catalog, String schema, String table,
                                  Map<String, Column> columns) throws SQLException {
        String reported = null;
        try (ResultSet rs = meta.getColumns(catalog, schema, table, null)) {
            while (rs.next()) {
                reported = rs.getString("TABLE_NAME");
                String name = rs.getString("COLUMN_NAME");
                columns.put(name.toLowerCase(Locale.ROOT), new Column(name, rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME")));
            }
        }
        return reported;
    }

    private static List<String> primaryKey(DatabaseMetaData meta, String catalog, String schema, String table)
            throws SQLException {
        Map<Short, String> bySeq = new java.util.TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                bySeq.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(new ArrayList<>(bySeq.values()));
    }

    /** The table name as stored, to be quoted in statements. */
    public String table() {
        return table;
    }

    public Optional<Column> column(String anyCaseName) {
        return Optional.ofNullable(byLowerName.get(anyCaseName.toLowerCase(Locale.ROOT)));
    }

    /** The column of that name, or an error naming the table and the fix. */
    public Column require(String anyCaseName, String setting) {
        return column(anyCaseName).orElseThrow(() -> new JdbcConfigException("Column '" + anyCaseName + "' (from "
                + setting + ") is not in table '" + table + "' (columns: " + names() + "): fix " + setting));
    }

    public List<String> names() {
        return byLowerName.values().stream().map(Column::name).toList();
    }

    /** Primary key columns in key order (empty when the table has none). */
    public List<String> primaryKey() {
        return primaryKey;
    }
}
