package io.busbar.connectors.jdbc;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What differs between the databases the connectors support: identifier quoting and the upsert statement.
 * Chosen from the JDBC URL. Stateless and thread-safe.
 */
public enum JdbcDialect {
    H2 {
        @Override
        String upsert(String table, List<String> columns, List<String> keyColumns) {
            return "MERGE INTO " + quoteQualified(table) + " (" + joinQuoted(columns) + ") KEY (" + joinQuoted(keyColumns)
                    + ") VALUES (" + placeholders(columns.size()) + ")";
        }
    },
    POSTGRESQL {
        @Override
        BulkInsertWriter bulkInsertWriter(String table, List<TableColumns.Column> columns, TypeMapping mapping) {
            return PostgresCopyWriter.forColumns(this, table, columns, mapping);
        }

        @Override
        boolean refusesBulkInsert(java.sql.SQLException e) {
            // COPY into a view (42809) or a kind of table COPY does not support (0A000): not the data's fault
            String state = e.getSQLState();
            return state != null && (state.equals("42809") || state.startsWith("0A"));
        }

        @Override
        String upsert(String table, List<String> columns, List<String> keyColumns) {
            List<String> updated = columns.stream().filter(c -> !keyColumns.contains(c)).toList();
            String action = updated.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + updated.stream()
                    .map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
            return insert(table, columns) + " ON CONFLICT (" + joinQuoted(keyColumns) + ") " + action;
        }
    },
    MARIADB {
        @Override
        BulkInsertWriter bulkInsertWriter(String table, List<TableColumns.Column> columns, TypeMapping mapping) {
            return MariaDbLoadWriter.forColumns(this, table, columns, mapping);
        }

        @Override
        boolean refusesBulkInsert(java.sql.SQLException e) {
            return MariaDbLoadWriter.refusesLoadData(e);
        }

        @Override
        String quote(String identifier) {
            return "`" + identifier.replace("`", "``") + "`";
        }

        @Override
        String upsert(String table, List<String> columns, List<String> keyColumns) {
            List<String> updated = columns.stream().filter(c -> !keyColumns.contains(c)).toList();
            // With nothing to update, re-assigning the first key column to itself makes the statement a no-op on conflict.
            List<String> assigned = updated.isEmpty() ? List.of(keyColumns.get(0)) : updated;
            return insert(table, columns) + " ON DUPLICATE KEY UPDATE " + assigned.stream()
                    .map(c -> quote(c) + " = VALUES(" + quote(c) + ")").collect(Collectors.joining(", "));
        }
    };

    /** The dialect of a JDBC URL: {@code jdbc:h2:}, {@code jdbc:postgresql:}, {@code jdbc:mariadb:} or {@code jdbc:mysql:}. */
    public static JdbcDialect fromUrl(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return MARIADB;
        }
        throw new JdbcConfigException("JDBC URL '" + jdbcUrl + "' is not supported: use jdbc:h2:, jdbc:postgresql:"
                + " or jdbc:mariadb: (e.g. jdbc:postgresql://127.0.0.1:5432/test)");
    }

    /** A quoted identifier, so names keep their case and may be reserved words. */
    String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /**
     * A table name as written by the user, quoted part by part ({@code schema.table}). Names are taken as
     * the database stores them; {@link TableColumns} resolves the user's spelling to that first.
     */
    String quoteQualified(String name) {
        return java.util.Arrays.stream(name.split("\\.")).map(this::quote).collect(Collectors.joining("."));
    }

    /**
     * The writer that loads inserts of these columns in bulk rather than as INSERT batches, or null: PostgreSQL's COPY
     * ({@link PostgresCopyWriter}), MariaDB's LOAD DATA ({@link MariaDbLoadWriter}); H2 batches in process. Null also
     * when a column's type is one the bulk format is not used for.
     */
    BulkInsertWriter bulkInsertWriter(String table, List<TableColumns.Column> columns, TypeMapping mapping) {
        return null;
    }

    /** Whether this failure of a bulk insert means the database will not take bulk loads into the table at all. */
    boolean refusesBulkInsert(java.sql.SQLException e) {
        return false;
    }

    abstract String upsert(String table, List<String> columns, List<String> keyColumns);

    String insert(String table, List<String> columns) {
        return "INSERT INTO " + quoteQualified(table) + " (" + joinQuoted(columns) + ") VALUES ("
                + placeholders(columns.size()) + ")";
    }

    String delete(String table, List<String> keyColumns) {
        return "DELETE FROM " + quoteQualified(table) + " WHERE "
                + keyColumns.stream().map(c -> quote(c) + " = ?").collect(Collectors.joining(" AND "));
    }

    String joinQuoted(List<String> columns) {
        return columns.stream().map(this::quote).collect(Collectors.joining(", "));
    }

    static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
