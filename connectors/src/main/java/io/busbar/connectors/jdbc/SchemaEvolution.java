package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Schemaless JSON → SQL: what DDL the records of a batch need — the table created from them when missing
 * ({@code autoCreate}), a nullable column added for each field that has none ({@code autoEvolve}). Types come from
 * {@link ColumnTypeInference} over all the records given, the text from {@link DdlGenerator}. Existing columns are
 * never dropped, narrowed or changed: a value that no longer fits its column fails that record, which then follows
 * the sink's error policy. The JDBC sink runs it before a batch that needs it ({@link #evolve}), even with another
 * member changing the table at the same moment; {@code busbar sql preview} prints the plan.
 * Immutable, thread-safe.
 *
 * @param table             the table, as the user names it (any case, {@code schema.table} allowed)
 * @param autoCreate        create the table when it does not exist
 * @param autoEvolve        add columns for new fields
 * @param keyColumns        the primary key of a created table (column names); empty: no primary key
 * @param fieldMap          field → column, as the sink maps them
 * @param emptyStringAsNull an empty string says nothing about a field's type (it is written as NULL)
 */
public record SchemaEvolution(String table, boolean autoCreate, boolean autoEvolve, List<String> keyColumns,
                              Map<String, String> fieldMap, boolean emptyStringAsNull) {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaEvolution.class);
    /** Orders the DDL of the sink members of an H2 database (see {@link #evolve}). */
    private static final Object H2_DDL = new Object();

    public SchemaEvolution {
        keyColumns = keyColumns == null ? List.of() : List.copyOf(keyColumns);
        Map<String, String> lower = new HashMap<>();
        if (fieldMap != null) {
            fieldMap.forEach((field, column) -> lower.put(field.toLowerCase(Locale.ROOT), column));
        }
        fieldMap = Map.copyOf(lower);
    }

    public boolean enabled() {
        return autoCreate || autoEvolve;
    }

    /**
     * The DDL these record values need against the live table (nothing when it already fits), without running it.
     * Values that are not JSON objects are ignored (the sink refuses those records on their own).
     */
    public List<String> plan(Connection connection, JdbcDialect dialect, Iterable<? extends JsonNode> values)
            throws SQLException {
        ColumnTypeInference inference = new ColumnTypeInference(emptyStringAsNull);
        values.forEach(inference::observe);
        Map<String, InferredType> columns = new LinkedHashMap<>();
        inference.types().forEach((field, type) -> columns.merge(
                DdlGenerator.storedName(dialect, fieldMap.getOrDefault(field.toLowerCase(Locale.ROOT), field)),
                type == null ? InferredType.TEXT : type, InferredType::widen));
        Optional<TableColumns> existing = TableColumns.find(connection, table);
        if (existing.isEmpty()) {
            return autoCreate && !columns.isEmpty() ? List.of(createTable(dialect, columns)) : List.of();
        }
        List<String> ddl = new ArrayList<>();
        if (autoEvolve) {
            TableColumns live = existing.get();
            columns.forEach((column, type) -> {
                if (live.column(column).isEmpty()) {
                    ddl.add(DdlGenerator.addColumn(dialect, live.table(), column, type));
                }
            });
        }
        return ddl;
    }

    /** A record value as JSON the way the sink reads it (exact decimals), or null when it is not JSON. */
    public static JsonNode parseValue(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return RecordJson.MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            return null; // the sink refuses such a record on its own, with the reason
        }
    }

    /**
     * Whether these record values may need DDL: the table is missing (with autoCreate), or a value has a field with
     * no column (with autoEvolve). Checked against the columns already known, reading only the top-level field names
     * with Jackson's streaming parser (no tree), so the sink asks the database — and parses values fully — only on a
     * change. A value that is not a JSON object counts as no change (the sink refuses it on its own).
     */
    public boolean mayNeedChange(TableColumns live, Iterable<byte[]> values) {
        if (live == null) {
            return autoCreate;
        }
        if (!autoEvolve) {
            return false;
        }
        for (byte[] value : values) {
            if (value != null && hasFieldWithoutColumn(live, value)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasFieldWithoutColumn(TableColumns live, byte[] value) {
        try (com.fasterxml.jackson.core.JsonParser parser = RecordJson.MAPPER.getFactory().createParser(value)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (live.column(fieldMap.getOrDefault(field.toLowerCase(Locale.ROOT), field)).isEmpty()) {
                    return true;
                }
                parser.nextToken();
                parser.skipChildren();
            }
            return false;
        } catch (java.io.IOException e) {
            return false; // not JSON: refused by the sink with the reason
        }
    }

    private String createTable(JdbcDialect dialect, Map<String, InferredType> columns) {
        List<String> keys = new ArrayList<>();
        for (String k : keyColumns) {
            String stored = columns.keySet().stream().filter(c -> c.equalsIgnoreCase(k)).findFirst()
                    .orElseThrow(() -> new JdbcConfigException("keyColumns '" + k + "' is not a field of the records"
                            + " (fields: " + columns.keySet() + "), so table '" + table + "' cannot be created with it:"
                            + " fix keyColumns, or create the table yourself"));
            keys.add(stored);
        }
        return DdlGenerator.createTable(dialect, table, columns, keys);
    }

    /**
     * Runs the DDL these record values need against the live table ({@link #plan}), then plans once more and runs
     * what is still missing; returns whether any DDL ran. The second look is for another sink member changing the
     * table at the same moment: its {@code CREATE TABLE} makes ours a no-op (without the columns only our records
     * have), or makes ours fail ({@link SqlErrors#createdConcurrently}, rolled back); planned again against the table
     * it committed, ours becomes the columns still missing. Any other failure, or a second one, is thrown.
     */
    public boolean evolve(Connection connection, JdbcDialect dialect, Iterable<? extends JsonNode> values)
            throws SQLException {
        if (dialect != JdbcDialect.H2) {
            return planAndApply(connection, dialect, values);
        }
        // H2 adds a column by copying the table, and two sessions doing so at once break its catalog (internal
        // errors, the table not found): no error to tell and retry. H2 is embedded, so the members of one H2 database
        // share this JVM: they take turns here
        synchronized (H2_DDL) {
            return planAndApply(connection, dialect, values);
        }
    }

    private boolean planAndApply(Connection connection, JdbcDialect dialect, Iterable<? extends JsonNode> values)
            throws SQLException {
        boolean ran = false;
        for (int run = 1; run <= 2; run++) {
            List<String> ddl = plan(connection, dialect, values);
            if (ddl.isEmpty()) {
                break;
            }
            try {
                apply(connection, ddl);
                ran = true;
            } catch (SQLException e) {
                if (run == 2 || !SqlErrors.createdConcurrently(e)) {
                    throw e;
                }
            }
        }
        return ran;
    }

    /** Runs the DDL and commits (PostgreSQL and H2 run DDL in the transaction; MariaDB commits each itself). */
    private void apply(Connection connection, List<String> ddl) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String sql : ddl) {
                LOG.info("JDBC sink evolves table {}: {}", table, sql);
                st.execute(sql);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }
}
