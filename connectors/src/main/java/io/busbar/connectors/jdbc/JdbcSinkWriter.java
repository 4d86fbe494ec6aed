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
import java.util.IdentityHashMap;
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
 * transaction. On PostgreSQL and MariaDB, inserts are loaded in bulk instead ({@link BulkInsertWriter}: COPY, LOAD
 * DATA), in the same transaction and the same order. Not thread-safe: one writer per sink task.
 */
final class JdbcSinkWriter {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcSinkWriter.class);

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
    /** Insert plans loaded in bulk (see {@link JdbcDialect#bulkInsertWriter}); null value: statements. */
    private final Map<Plan, BulkInsertWriter> bulkWriters = new IdentityHashMap<>();
    /** Encoders of batches encoded ahead ({@link #encode}), kept per bulk writer for the next batches. */
    private final Map<BulkInsertWriter, java.util.Deque<CopyTextFormat>> spareEncoders = new IdentityHashMap<>();
    /** Set once the database refused bulk loads into the table (a view, LOAD DATA disabled): statements from then on. */
    private boolean bulkRefused;

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
        write(connection, records, covered, true);
    }

    /**
     * As {@link #write(Connection, List, List)}; {@code bulk} lets inserts go through the dialect's bulk path (COPY on
     * PostgreSQL, LOAD DATA on MariaDB). The sink passes false while it isolates bad records, so each half is written
     * with statements and the database names the bad record's own error. A value the bulk format cannot carry (or that
     * MariaDB's load reports a warning for), or a table the database will not bulk-load, writes the batch again with
     * statements.
     */
    void write(Connection connection, List<ConsumedRecord> records, List<ConsumedRecord> covered, boolean bulk)
            throws SQLException {
        boolean inBulk = bulk && !bulkRefused && config.writeMode() == WriteMode.INSERT;
        try {
            writeOnce(connection, records, covered, inBulk);
        } catch (CopyTextFormat.NotCopyable | BulkInsertWriter.NotLoadable e) {
            LOG.debug("JDBC sink of table {}: the bulk load cannot take this batch as statements would ({});"
                    + " it goes with statements", table.table(), e.getMessage());
            writeOnce(connection, records, covered, false);
        } catch (SQLException e) {
            if (!inBulk || !dialect.refusesBulkInsert(e)) {
                throw e;
            }
            bulkRefused = true;
            LOG.warn("JDBC sink of table {}: the database refuses bulk loads into it ({}: {}); inserting with"
                    + " statements from now on", table.table(), e.getSQLState(), e.getMessage());
            writeOnce(connection, records, covered, false);
        }
    }

    /**
     * Whether batches may be encoded ahead of their load ({@link #encode}): insert mode, and the database has not
     * refused bulk loads into the table.
     */
    boolean encodesAhead() {
        return !bulkRefused && config.writeMode() == WriteMode.INSERT;
    }

    /**
     * Encodes the records for the database's bulk load without touching the database, so that the sink can encode a
     * batch while the previous one loads; {@code covered} gives the offsets stored with it (exactly-once). Returns null
     * when a record needs the statement path: a tombstone, a shape whose columns the bulk format is not used for, a
     * value it cannot carry, or a record that is not a JSON object of known fields (the statement path reports why).
     */
    EncodedBatch encode(List<ConsumedRecord> records, List<ConsumedRecord> covered) {
        if (!encodesAhead()) {
            return null;
        }
        List<EncodedRun> runs = new ArrayList<>();
        Plan plan = null;
        BulkInsertWriter bulk = null;
        CopyTextFormat rows = null;
        long count = 0;
        try {
            for (ConsumedRecord record : records) {
                if (record.value() == null) {
                    return recycled(runs, bulk, rows);
                }
                if (rows != null && rows.tryAppendRow(plan.fields(), record.value())) {
                    count++;
                    continue;
                }
                ObjectNode value = parse(record);
                Plan next = plan(value);
                if (next != plan) {
                    if (rows != null) {
                        runs.add(new EncodedRun(bulk, rows, count));
                    }
                    plan = next;
                    bulk = bulkWriter(next);
                    if (bulk == null) {
                        return recycled(runs, null, null);
                    }
                    rows = spareEncoder(bulk);
                    count = 0;
                }
                rows.appendRow(plan.fields(), value);
                count++;
            }
        } catch (RuntimeException e) {
            // not JSON, an unknown field, a value COPY cannot carry: the statement path writes or names it
            return recycled(runs, bulk, rows);
        }
        if (rows != null) {
            runs.add(new EncodedRun(bulk, rows, count));
        }
        return new EncodedBatch(List.copyOf(runs), nextOffsets(covered));
    }

    private EncodedBatch recycled(List<EncodedRun> runs, BulkInsertWriter open, CopyTextFormat rows) {
        runs.forEach(run -> giveBack(run.writer(), run.rows()));
        if (rows != null) {
            giveBack(open, rows);
        }
        return null;
    }

    private CopyTextFormat spareEncoder(BulkInsertWriter bulk) {
        java.util.Deque<CopyTextFormat> spare = spareEncoders.get(bulk);
        return spare == null || spare.isEmpty() ? bulk.newEncoder() : spare.pop();
    }

    /** Gives an encoded batch's buffers back for the next batches (after its load ended, well or not). */
    void recycle(EncodedBatch batch) {
        batch.runs().forEach(run -> giveBack(run.writer(), run.rows()));
    }

    private void giveBack(BulkInsertWriter writer, CopyTextFormat rows) {
        rows.clear();
        spareEncoders.computeIfAbsent(writer, w -> new java.util.ArrayDeque<>()).push(rows);
    }

    /** One run of rows of one shape, encoded for its bulk writer. */
    record EncodedRun(BulkInsertWriter writer, CopyTextFormat rows, long count) {
    }

    /**
     * A batch encoded ahead of its load: its runs in record order and the next offsets it covers. {@link #load} reads
     * only this and the statement of each run's writer, so it may run on another thread than the encoding.
     */
    record EncodedBatch(List<EncodedRun> runs, Map<TopicPartition, Long> nextOffsets) {

        /**
         * Loads the runs in order, then (exactly-once) the offsets, and commits; on any failure rolls back and throws:
         * a {@link BulkInsertWriter.NotLoadable} or a data error means the batch must go through the statement path.
         */
        void load(Connection connection, SinkOffsetTable.Write offsets) throws SQLException {
            try {
                for (EncodedRun run : runs) {
                    run.writer().load(connection, run.rows(), run.count());
                }
                if (offsets != null) {
                    offsets.execute(connection);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    private void writeOnce(Connection connection, List<ConsumedRecord> records, List<ConsumedRecord> covered,
                           boolean inBulk) throws SQLException {
        Map<String, PreparedStatement> statements = new HashMap<>();
        PendingBatch batch = new PendingBatch(inBulk);
        try {
            for (ConsumedRecord record : records) {
                if (record.value() == null) {
                    if (config.deleteOnTombstone()) {
                        batch.add(connection, statements, deletePlan, deleteKey(record), null);
                    }
                    continue;
                }
                if (batch.tryStreamRow(record.value())) {
                    continue; // shaped like the previous record: streamed into the open bulk load or batch without a tree
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
            batch.cancel(e);
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
        // per run of records of one partition, without a TopicPartition and a boxed Long per record (batches are big)
        ConsumedRecord run = null;
        long max = 0;
        for (ConsumedRecord r : records) {
            if (run == null || r.partition() != run.partition() || !r.topic().equals(run.topic())) {
                if (run != null) {
                    next.merge(run.topicPartition(), max, Math::max);
                }
                run = r;
                max = r.offset() + 1;
            } else {
                max = Math.max(max, r.offset() + 1);
            }
        }
        if (run != null) {
            next.merge(run.topicPartition(), max, Math::max);
        }
        return next;
    }

    /** Accumulates same-shape rows for one executeBatch, or streams them into one bulk load. */
    private final class PendingBatch {
        private final boolean bulkAllowed;
        private Plan plan;
        private PreparedStatement statement;
        private BulkInsertWriter copy;
        private final Set<List<String>> keys = new HashSet<>();

        PendingBatch(boolean bulkAllowed) {
            this.bulkAllowed = bulkAllowed;
        }

        void add(Connection connection, Map<String, PreparedStatement> statements, Plan next, JsonNode value,
                 List<String> key) throws SQLException {
            if (next != plan || (key != null && keys.contains(key))) {
                flush();
                plan = next;
                copy = bulkAllowed && !next.delete() ? bulkWriter(next) : null;
                if (copy != null) {
                    copy.begin(connection);
                    copy.row(next.fields(), value);
                    return;
                }
                statement = statements.get(next.sql());
                if (statement == null) {
                    statement = connection.prepareStatement(next.sql());
                    statements.put(next.sql(), statement);
                }
            }
            if (copy != null) {
                copy.row(next.fields(), value);
                return;
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
            if (copy != null) {
                BulkInsertWriter open = copy;
                copy = null;
                open.end();
            }
            if (statement != null) {
                statement.executeBatch();
            }
            statement = null;
            plan = null;
            keys.clear();
        }

        /**
         * Streams an insert into the open bulk load or statement batch if it has the open plan's fields in order; false:
         * take the tree path. (Upserts keep the tree path: their keys are tracked per batch.)
         */
        boolean tryStreamRow(byte[] json) throws SQLException {
            if (copy != null) {
                return copy.tryRow(plan.fields(), json);
            }
            if (statement == null || plan.delete() || config.writeMode() != WriteMode.INSERT
                    || !StreamedRowBinder.bind(statement, plan.columns(), plan.fields(), json, typeMapping)) {
                return false;
            }
            statement.addBatch();
            return true;
        }

        void cancel(Exception cause) {
            if (copy != null) {
                copy.cancel(cause);
                copy = null;
            }
        }
    }

    private BulkInsertWriter bulkWriter(Plan plan) {
        return bulkWriters.computeIfAbsent(plan, p -> dialect.bulkInsertWriter(table.table(), p.columns(), typeMapping));
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
