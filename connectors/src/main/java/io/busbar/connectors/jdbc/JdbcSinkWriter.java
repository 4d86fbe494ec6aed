package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.TopicPartition;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a batch of JSON records to one table in one transaction, with JDBC batch statements: consecutive records
 * of the same shape (same fields, same operation) share one {@code executeBatch}. Order is kept: a change of shape,
 * or an upsert of a key already in the pending batch, flushes first (PostgreSQL refuses one statement touching a row
 * twice). In exactly-once mode the batch's next offsets are written to the {@link SinkOffsetTable} in the same
 * transaction. Not thread-safe: one writer per sink task.
 */
final class JdbcSinkWriter {

    /** One statement shape: the SQL, and the columns (with the JSON fields they come from) bound in order. */
    private record Plan(String sql, List<TableColumns.Column> columns, List<String> fields, List<String> keyFields,
                        boolean delete) {
    }

    private final JdbcDialect dialect;
    private final JdbcSinkConfig config;
    private final TableColumns table;
    private final List<String> keyColumns;
    private final SinkOffsetTable offsetTable;
    /** fieldMap with lower-cased field names: H2 upper-cases column labels, PostgreSQL lower-cases them. */
    private final Map<String, String> fieldMap = new HashMap<>();
    private final Map<List<String>, Plan> plans = new HashMap<>();
    private final Plan deletePlan;
    private final TypeMapping typeMapping;

    JdbcSinkWriter(JdbcDialect dialect, JdbcSinkConfig config, TableColumns table, SinkOffsetTable offsetTable) {
        this(dialect, config, table, offsetTable, TypeMapping.DEFAULTS);
    }

    JdbcSinkWriter(JdbcDialect dialect, JdbcSinkConfig config, TableColumns table, SinkOffsetTable offsetTable,
                   TypeMapping typeMapping) {
        this.typeMapping = typeMapping;
        this.dialect = dialect;
        this.config = config;
        this.table = table;
        this.offsetTable = offsetTable;
        config.fieldMap().forEach((field, column) -> fieldMap.put(field.toLowerCase(Locale.ROOT), column));
        List<String> keys = new ArrayList<>();
        for (String k : config.keyColumns()) {
            keys.add(table.require(k, "keyColumns").name());
        }
        if (keys.isEmpty()) {
            keys.addAll(table.primaryKey());
        }
        this.keyColumns = List.copyOf(keys);
        if (keyColumns.isEmpty() && (config.writeMode() == WriteMode.UPSERT || config.deleteOnTombstone())) {
            throw new JdbcConfigException("JDBC sink of topic " + config.topic() + ": table '" + table.table()
                    + "' has no primary key, so upsert and deleteOnTombstone need keyColumns: set keyColumns=id");
        }
        List<TableColumns.Column> keyCols = keyColumns.stream().map(k -> table.require(k, "keyColumns")).toList();
        this.deletePlan = keyColumns.isEmpty() ? null
                : new Plan(dialect.delete(table.table(), keyColumns), keyCols, List.of(), List.of(), true);
    }

    /** Writes the records and commits; on any failure rolls back (nothing of the batch is left behind) and throws. */
    void write(Connection connection, List<ConsumedRecord> records) throws SQLException {
        write(connection, records, records);
    }

    /**
     * Writes {@code records} and, in exactly-once mode, the offsets after {@code covered} (the records plus any the
     * sink handed to its error policy instead), in one transaction.
     */
    void write(Connection connection, List<ConsumedRecord> records, List<ConsumedRecord> covered) throws SQLException {
        Map<String, PreparedStatement> statements = new HashMap<>();
        try {
            PendingBatch batch = new PendingBatch();
            for (ConsumedRecord record : records) {
                if (record.value() == null) {
                    if (config.deleteOnTombstone()) {
                        batch.add(connection, statements, deletePlan, deleteKey(record), null);
                    }
                    continue;
                }
                ObjectNode value = parse(record);
                Plan plan = plan(value);
                List<String> key = config.writeMode() == WriteMode.UPSERT ? upsertKey(value, plan) : null;
                batch.add(connection, statements, plan, value, key);
            }
            batch.flush();
            if (offsetTable != null) {
                offsetTable.write(connection, config.groupId(), nextOffsets(covered));
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        }
    }

    /** The next offset to consume per partition after these records. */
    static Map<TopicPartition, Long> nextOffsets(List<ConsumedRecord> records) {
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        for (ConsumedRecord r : records) {
            next.merge(r.topicPartition(), r.offset() + 1, Math::max);
        }
        return next;
    }

    /** Accumulates same-shape rows for one executeBatch. */
    private final class PendingBatch {
        private Plan plan;
        private PreparedStatement statement;
        private final Set<List<String>> keys = new HashSet<>();

        void add(Connection connection, Map<String, PreparedStatement> statements, Plan next, JsonNode value,
                 List<String> key) throws SQLException {
            if (next != plan || (key != null && keys.contains(key))) {
                flush();
                plan = next;
                statement = statements.get(next.sql());
                if (statement == null) {
                    statement = connection.prepareStatement(next.sql());
                    statements.put(next.sql(), statement);
                }
            }
            if (key != null) {
                keys.add(key);
            }
            bind(next, value);
            statement.addBatch();
        }

        private void bind(Plan p, JsonNode value) throws SQLException {
            for (int i = 0; i < p.columns().size(); i++) {
                JsonNode v = p.delete() ? value.get(i) : value.get(p.fields().get(i));
                JsonColumnBinder.bind(statement, i + 1, p.columns().get(i), v, typeMapping);
            }
        }

        void flush() throws SQLException {
            if (statement != null) {
                statement.executeBatch();
            }
            statement = null;
            plan = null;
            keys.clear();
        }
    }

    private ObjectNode parse(ConsumedRecord record) {
        try {
            JsonNode node = RecordJson.MAPPER.readTree(record.value());
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new RecordMappingException(where(record) + " is not a JSON object: the JDBC sink writes one"
                    + " object per record, e.g. {\"id\":1,\"total\":9.95}");
        } catch (IOException e) {
            throw new RecordMappingException(where(record) + " is not valid JSON (" + e.getMessage()
                    + "): fix the producer, or route such records elsewhere before the sink", e);
        }
    }

    private Plan plan(ObjectNode value) {
        List<String> fields = new ArrayList<>(value.size());
        Iterator<String> names = value.fieldNames();
        names.forEachRemaining(fields::add);
        return plans.computeIfAbsent(fields, this::newPlan);
    }

    private Plan newPlan(List<String> fields) {
        List<TableColumns.Column> columns = new ArrayList<>();
        List<String> used = new ArrayList<>();
        for (String field : fields) {
            String columnName = fieldMap.getOrDefault(field.toLowerCase(Locale.ROOT), field);
            TableColumns.Column column = table.column(columnName).orElse(null);
            if (column == null) {
                if (config.ignoreUnknownFields()) {
                    continue;
                }
                throw new RecordMappingException("Field '" + field + "' has no column in table '" + table.table()
                        + "' (columns: " + table.names() + "): map it with fieldMap=" + field + ":<column>,"
                        + " set ignoreUnknownFields=true, or add the column");
            }
            columns.add(column);
            used.add(field);
        }
        if (columns.isEmpty()) {
            throw new RecordMappingException("No field of " + fields + " matches a column of table '" + table.table()
                    + "' (columns: " + table.names() + "): check fieldMap");
        }
        List<String> names = columns.stream().map(TableColumns.Column::name).toList();
        String sql;
        List<String> keyFields = new ArrayList<>();
        if (config.writeMode() == WriteMode.UPSERT) {
            for (String k : keyColumns) {
                if (!names.contains(k)) {
                    throw new RecordMappingException("A record with fields " + fields + " lacks key column '" + k
                            + "' of table '" + table.table() + "': upserts need every key column in the value");
                }
                keyFields.add(used.get(names.indexOf(k)));
            }
            sql = dialect.upsert(table.table(), names, keyColumns);
        } else {
            sql = dialect.insert(table.table(), names);
        }
        return new Plan(sql, List.copyOf(columns), List.copyOf(used), List.copyOf(keyFields), false);
    }

    private List<String> upsertKey(ObjectNode value, Plan plan) {
        List<String> key = new ArrayList<>(plan.keyFields().size());
        for (String field : plan.keyFields()) {
            key.add(value.path(field).toString());
        }
        return key;
    }

    /** The tombstone's key as an array of the key columns' values: the key text, or a JSON object for composite keys. */
    private JsonNode deleteKey(ConsumedRecord record) {
        if (record.key() == null) {
            throw new RecordMappingException(where(record) + " is a tombstone without a key: nothing to delete;"
                    + " give tombstones the row's key, or set deleteOnTombstone=false");
        }
        var values = RecordJson.NODES.arrayNode();
        if (keyColumns.size() == 1) {
            values.add(TextNode.valueOf(record.keyAsString()));
            return values;
        }
        JsonNode key;
        try {
            key = RecordJson.MAPPER.readTree(record.key());
        } catch (IOException e) {
            key = null;
        }
        for (String k : keyColumns) {
            JsonNode v = key == null ? null : findIgnoreCase(key, k);
            if (v == null) {
                throw new RecordMappingException(where(record) + ": tombstone key " + record.keyAsString()
                        + " lacks '" + k + "': composite keys are JSON objects of every key column");
            }
            values.add(v);
        }
        return values;
    }

    private JsonNode findIgnoreCase(JsonNode object, String name) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String column = fieldMap.getOrDefault(f.getKey().toLowerCase(Locale.ROOT), f.getKey());
            if (column.equalsIgnoreCase(name)) {
                return f.getValue();
            }
        }
        return null;
    }

    private static String where(ConsumedRecord record) {
        return "Record " + record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // the connection is likely gone; the pool discards it
        }
    }
}
