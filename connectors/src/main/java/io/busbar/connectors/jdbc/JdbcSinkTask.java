package io.busbar.connectors.jdbc;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusException;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import io.busbar.connectors.sink.SinkErrorPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One JDBC sink instance: a consumer-group member of the topic that writes each polled batch in one database
 * transaction ({@link JdbcSinkWriter}) and commits the group's offsets only after the database commit.
 *
 * <ul>
 *   <li>At-least-once (default): a crash between the database commit and the offset commit re-delivers that batch;
 *       with upsert the replay rewrites the same rows (effectively once), with insert it can duplicate them.</li>
 *   <li>Exactly-once ({@code exactlyOnce}): the batch's next offsets are stored in the offsets table inside the same
 *       transaction; on assignment the task seeks to them, so whatever the crash, each record is written once.</li>
 * </ul>
 * A batch that fails for a transient reason (connection lost, deadlock, timeout) is rolled back and its partitions are
 * rewound to its first records not yet written, so the next {@link #poll()} retries it. A batch that fails for a
 * record's data ({@link SqlErrors}) is split in halves until the bad records are alone; the others are written, and
 * each bad one goes to the dead-letter topic (with the reason, the SQLState and where it came from), is skipped, or
 * stops the sink, as {@link SinkErrorPolicy} says. One bad value never blocks the sink for good. Not thread-safe: one
 * thread drives it (BusConsumer is single-threaded).
 */
public final class JdbcSinkTask implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSinkTask.class);

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final JdbcSinkConfig config;
    private final Bus bus;
    private final SinkOffsetTable offsetTable;
    /** Partitions assigned but not yet positioned from the offsets table (exactly-once only); paused until then. */
    private final Set<TopicPartition> awaitingSeek = new HashSet<>();
    /** Offsets written to the database since start, latest per partition: committed synchronously on close. */
    private final Map<TopicPartition, CommittedOffset> pendingCommit = new HashMap<>();
    private BusConsumer consumer;
    private JdbcSinkWriter writer;
    private SinkErrorPolicy errorPolicy = SinkErrorPolicy.DEAD_LETTER;
    private String deadLetterTopic;
    private io.busbar.connectors.bus.DeadLetterWriter deadLetters;
    /** Per partition, the next offset of the current batch not yet written or handed to the error policy. */
    private final Map<TopicPartition, Long> batchProgress = new HashMap<>();
    private TypeMapping typeMapping;
    /** Table creation and new columns from the records (null: the table is used as it is). */
    private SchemaEvolution schemaEvolution;
    /** The columns the writer was built for; null while the table does not exist yet (autoCreate). */
    private TableColumns tableColumns;
    /**
     * Exactly-once: another member claimed a partition this one was writing (fenced). Everything stays paused and
     * nothing is claimed until the group's next rebalance tells this member what it owns.
     */
    private boolean fencedAwaitingRebalance;

    public JdbcSinkTask(DataSource dataSource, JdbcDialect dialect, JdbcSinkConfig config, Bus bus) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.config = config.validate();
        this.bus = bus;
        this.offsetTable = config.exactlyOnce() ? new SinkOffsetTable(dialect, config.offsetsTable()) : null;
        this.typeMapping = TypeMapping.of(dialect, true, null);
    }

    /**
     * What to do with records the database refuses for their data (default {@link SinkErrorPolicy#DEAD_LETTER}), and
     * the dead-letter topic (default {@code <topic>.dlq}).
     */
    public JdbcSinkTask withErrorPolicy(SinkErrorPolicy policy, String deadLetterTopic) {
        this.errorPolicy = policy;
        this.deadLetterTopic = deadLetterTopic == null || deadLetterTopic.isBlank() ? null : deadLetterTopic;
        return this;
    }

    /** How JSON values become column values (empty strings, zoned timestamps, NUL characters). */
    public JdbcSinkTask withTypeMapping(TypeMapping mapping) {
        this.typeMapping = mapping;
        return this;
    }

    /** Creates the table and adds columns from the records, before each batch that needs it ({@link SchemaEvolution}). */
    public JdbcSinkTask withSchemaEvolution(SchemaEvolution evolution) {
        if (evolution != null && evolution.autoCreate() && evolution.keyColumns().isEmpty()
                && (config.writeMode() == WriteMode.UPSERT || config.deleteOnTombstone())) {
            // checked before anything is created: a table without a primary key could never be upserted into
            throw new JdbcConfigException("JDBC sink of topic " + config.topic() + ": upsert and deleteOnTombstone"
                    + " on a table the sink creates (autoCreate) need keyColumns, its primary key: set keyColumns=id");
        }
        this.schemaEvolution = evolution != null && evolution.enabled() ? evolution : null;
        return this;
    }

    /**
     * Polls once and writes what came; returns the number of records handled (written, deleted or skipped).
     * Throws {@link SQLException} when the database cannot take the batch; nothing of it is committed then.
     */
    public int poll() throws SQLException {
        if (consumer == null) {
            start();
        }
        if (!awaitingSeek.isEmpty()) {
            seekFromOffsetTable();
        }
        List<ConsumedRecord> records = pollBatch();
        if (records.isEmpty()) {
            return 0;
        }
        batchProgress.clear();
        // a dead letter replayed for another group's pipeline is not this sink's: skipped, its offset committed past
        List<ConsumedRecord> mine = records.stream()
                .filter(r -> !io.busbar.connectors.bus.ReplayedDeadLetters.isForAnotherGroup(r, config.groupId())).toList();
        try {
            if (schemaEvolution != null && !mine.isEmpty()) {
                evolveSchema(mine); // a DDL failure is transient: rewound and retried like any other
            }
            if (!mine.isEmpty()) {
                writeIsolatingBadRecords(mine);
            }
        } catch (FencedSinkWriterException e) {
            fenced(e);
            return 0;
        } catch (SQLException | RuntimeException e) {
            if (offsetTable != null) {
                resumeFromOffsetTable(records);
            } else {
                rewind(records);
            }
            throw e;
        }
        commitOffsets(records);
        return records.size();
    }

    /**
     * Writes {@code records} in one transaction; when the database refuses one for its data, writes the halves
     * separately (in order, so offsets only move forward), down to the single bad records, which go to the error
     * policy. Transient failures are thrown: the caller rewinds to what is not written yet.
     */
    private void writeIsolatingBadRecords(List<ConsumedRecord> records) throws SQLException {
        writeIsolatingBadRecords(records, true);
    }

    /** {@code bulk}: the whole batch may go by COPY; its halves go with statements, which name each record's error. */
    private void writeIsolatingBadRecords(List<ConsumedRecord> records, boolean bulk) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            writer.write(connection, records, records, bulk);
            progressed(records);
            return;
        } catch (FencedSinkWriterException e) {
            throw e;
        } catch (SQLException | RecordMappingException e) {
            if (!SqlErrors.isDataError(e) || errorPolicy == SinkErrorPolicy.FAIL) {
                throw e;
            }
            if (records.size() == 1 && bulk) {
                writeIsolatingBadRecords(records, false); // the record's error as its own statement reports it
                return;
            }
            if (records.size() == 1) {
                refused(records.get(0), e);
                return;
            }
        }
        int half = records.size() / 2;
        writeIsolatingBadRecords(records.subList(0, half), false);
        writeIsolatingBadRecords(records.subList(half, records.size()), false);
    }

    /** A record the database refuses for its data: dead-lettered (durably) or skipped, then passed in the offsets. */
    private void refused(ConsumedRecord record, Exception error) throws SQLException {
        String state = SqlErrors.sqlState(error);
        Integer code = SqlErrors.errorCode(error);
        if (errorPolicy == SinkErrorPolicy.SKIP) {
            LOG.warn("JDBC sink (group {}) skips {}-{} offset {} (key {}): the database refuses it: {} (SQLState {})",
                    config.groupId(), record.topic(), record.partition(), record.offset(), record.keyAsString(),
                    error.getMessage(), state);
        } else {
            if (deadLetters == null) {
                deadLetters = new io.busbar.connectors.bus.DeadLetterWriter(bus.producer(),
                        deadLetterTopic != null ? deadLetterTopic : config.topic() + ".dlq", config.groupId(), 500);
            }
            List<io.busbar.bus.Header> headers = new ArrayList<>();
            headers.add(io.busbar.bus.Header.of(io.busbar.connectors.bus.BusConstants.DLQ_REASON,
                    "table " + config.table() + " refused the record: " + error.getMessage()));
            if (state != null) {
                headers.add(io.busbar.bus.Header.of(io.busbar.connectors.bus.BusConstants.DLQ_SQL_STATE, state));
            }
            if (code != null) {
                headers.add(io.busbar.bus.Header.of(io.busbar.connectors.bus.BusConstants.DLQ_ERROR_CODE, code.toString()));
            }
            if (!deadLetters.write(record, error, 1, () -> consumer != null, headers)) {
                throw new SQLException("the dead letter of " + record.topic() + "-" + record.partition() + " offset "
                        + record.offset() + " could not be written; the batch is retried");
            }
        }
        if (offsetTable != null) {
            // exactly-once: the offsets table moves past the refused record, as if it had been written
            try (Connection connection = dataSource.getConnection()) {
                writer.write(connection, List.of(), List.of(record));
            }
        }
        progressed(List.of(record));
    }

    /**
     * This member is a zombie for at least one partition: its batch was rolled back. Claiming again now could take a
     * partition back from its rightful owner, so everything pauses until the group's next rebalance.
     */
    private void fenced(FencedSinkWriterException e) {
        LOG.warn("{}; pausing every partition until the group rebalances", e.getMessage());
        consumer.pause(consumer.assignment());
        awaitingSeek.clear();
        offsetTable.release(consumer.assignment());
        fencedAwaitingRebalance = true;
    }

    private void progressed(List<ConsumedRecord> done) {
        JdbcSinkWriter.nextOffsets(done).forEach((tp, next) -> batchProgress.merge(tp, next, Math::max));
    }

    /**
     * Up to {@code batchSize} records: one poll that may wait, then polls that do not, while records keep coming
     * (one poll returns about one stored record batch, far fewer than a transaction can take).
     */
    private List<ConsumedRecord> pollBatch() {
        List<ConsumedRecord> records = new ArrayList<>();
        Duration wait = Duration.ofMillis(config.pollTimeoutMs());
        while (records.size() < config.batchSize()) {
            List<ConsumedRecord> polled = consumer.poll(wait);
            if (polled.isEmpty()) {
                break;
            }
            for (ConsumedRecord r : polled) {
                // partitions assigned during this poll may have been read from the group's offsets, not the table's
                if (awaitingSeek.isEmpty() || !awaitingSeek.contains(r.topicPartition())) {
                    records.add(r);
                }
            }
            if (!awaitingSeek.isEmpty()) {
                break;
            }
            wait = Duration.ZERO;
        }
        if (records.size() > config.batchSize()) {
            // the last poll overshot: give its tail back (per partition the tail holds its highest offsets)
            List<ConsumedRecord> excess = records.subList(config.batchSize(), records.size());
            Map<TopicPartition, Long> firstExcess = new HashMap<>();
            for (ConsumedRecord r : excess) {
                firstExcess.merge(r.topicPartition(), r.offset(), Math::min);
            }
            firstExcess.forEach(consumer::seek);
            records = new ArrayList<>(records.subList(0, config.batchSize()));
        }
        return records;
    }

    /**
     * Runs the DDL the batch needs (the table, new columns) and rebuilds the writer for the new columns. Each batch
     * costs a scan of the field names; values are parsed here only when a field has no column yet. Records that are
     * not JSON objects are left to the writer.
     */
    private void evolveSchema(List<ConsumedRecord> records) throws SQLException {
        if (!schemaEvolution.mayNeedChange(tableColumns, records.stream().map(ConsumedRecord::value).toList())) {
            return;
        }
        List<com.fasterxml.jackson.databind.JsonNode> values = new ArrayList<>(records.size());
        for (ConsumedRecord r : records) {
            com.fasterxml.jackson.databind.JsonNode value = SchemaEvolution.parseValue(r.value());
            if (value != null) {
                values.add(value);
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            List<String> ddl = schemaEvolution.plan(connection, dialect, values);
            if (!ddl.isEmpty()) {
                schemaEvolution.apply(connection, ddl);
            } else if (tableColumns == null && TableColumns.find(connection, config.table()).isEmpty()) {
                throw new JdbcConfigException("Table '" + config.table() + "' does not exist yet and no record of this"
                        + " batch is a JSON object to create it from: send JSON objects, or create the table");
            }
            tableColumns = TableColumns.load(connection, config.table());
            connection.rollback();
            writer = new JdbcSinkWriter(dialect, config, tableColumns, offsetTable, typeMapping);
        }
    }

    private void start() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            tableColumns = schemaEvolution != null && schemaEvolution.autoCreate()
                    ? TableColumns.find(connection, config.table()).orElse(null) // created from the first batch
                    : TableColumns.load(connection, config.table());
            if (offsetTable != null) {
                offsetTable.createIfMissing(connection);
            }
            writer = tableColumns == null ? null : new JdbcSinkWriter(dialect, config, tableColumns, offsetTable, typeMapping);
        }
        consumer = bus.consumer(ConsumerConfig.builder().groupId(config.groupId())
                .clientId("jdbc-sink-" + config.table()).maxPollRecords(config.batchSize()).build());
        consumer.subscribe(List.of(config.topic()), new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                awaitingSeek.removeAll(partitions); // batches are written before each poll: nothing in flight
                if (offsetTable != null) {
                    offsetTable.release(partitions);
                }
                Map<TopicPartition, CommittedOffset> revoked = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    CommittedOffset offset = pendingCommit.remove(tp);
                    if (offset != null) {
                        revoked.put(tp, offset);
                    }
                }
                if (!revoked.isEmpty()) {
                    try {
                        consumer.commitSync(revoked); // hand over exactly where the database is
                    } catch (BusException e) {
                        LOG.warn("JDBC sink (group {}) could not commit {} on revocation: {}", config.groupId(),
                                revoked, e.getMessage());
                    }
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (offsetTable == null) {
                    return;
                }
                // after a fence, the whole assignment is claimed afresh: the group has now said what this member owns
                Collection<TopicPartition> toClaim = fencedAwaitingRebalance ? consumer.assignment() : partitions;
                fencedAwaitingRebalance = false;
                if (!toClaim.isEmpty()) {
                    consumer.pause(toClaim);
                    awaitingSeek.addAll(toClaim);
                    // nothing can be fetched until the seek: end this poll now, not at its timeout (pollTimeoutMs)
                    consumer.wakeup();
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                awaitingSeek.removeAll(partitions);
                partitions.forEach(pendingCommit::remove); // another member owns them now: never commit for it
                if (offsetTable != null) {
                    offsetTable.release(partitions);
                }
            }
        });
        LOG.info("JDBC sink writes topic {} (group {}) to table {} ({}, {})", config.topic(), config.groupId(),
                config.table(), config.writeMode().name().toLowerCase(java.util.Locale.ROOT),
                config.exactlyOnce() ? "exactly-once via table " + config.offsetsTable() : "at-least-once");
    }

    private void seekFromOffsetTable() throws SQLException {
        if (fencedAwaitingRebalance) {
            return;
        }
        Map<TopicPartition, Long> stored;
        try (Connection connection = dataSource.getConnection()) {
            // claiming raises the owner epoch: a former owner that still writes these partitions is refused from now on
            stored = offsetTable.claim(connection, config.groupId(), awaitingSeek);
        }
        for (TopicPartition tp : awaitingSeek) {
            Long next = stored.get(tp);
            if (next != null) {
                consumer.seek(tp, next);
            } else {
                // nothing written yet by this group: start where the group's offsets (or auto.offset.reset) say
                CommittedOffset committed = consumer.committed(Set.of(tp)).get(tp);
                if (committed != null) {
                    consumer.seek(tp, committed.offset());
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            LOG.info("JDBC sink (group {}) resumes {} at offset {} from table {}", config.groupId(), tp,
                    next != null ? next : "(none stored)", config.offsetsTable());
        }
        consumer.resume(awaitingSeek);
        awaitingSeek.clear();
    }

    /**
     * After a failed batch in exactly-once mode: the next poll starts each partition where the offsets table says.
     * A failure can be ambiguous (the connection dropped during COMMIT, which the database may have applied): going
     * back to the batch's first record would then write it twice; the table, written in the same transaction, knows.
     */
    private void resumeFromOffsetTable(List<ConsumedRecord> records) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (ConsumedRecord r : records) {
            if (consumer.assignment().contains(r.topicPartition())) {
                partitions.add(r.topicPartition());
            }
        }
        consumer.pause(partitions);
        awaitingSeek.addAll(partitions);
    }

    /**
     * Puts each partition of a failed batch back to its first record not yet written (parts written while the bad
     * records were isolated stay written), so the next poll retries the rest.
     */
    private void rewind(List<ConsumedRecord> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumedRecord r : records) {
            if (r.offset() >= batchProgress.getOrDefault(r.topicPartition(), Long.MIN_VALUE)) {
                first.merge(r.topicPartition(), r.offset(), Math::min);
            }
        }
        first.forEach((tp, offset) -> {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    /**
     * Commits the group's offsets after the database commit, without waiting for it to be durable: the next batch is
     * written meanwhile. A commit that is lost (crash, rebalance) only means re-delivery of batches the database
     * already has, which the offsets table (exactly-once) or upsert (effectively once) absorb; {@link #close()}
     * waits for the last one.
     */
    private void commitOffsets(List<ConsumedRecord> records) {
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        JdbcSinkWriter.nextOffsets(records).forEach((tp, next) -> offsets.put(tp, new CommittedOffset(next)));
        pendingCommit.putAll(offsets);
        consumer.commitAsync(offsets, (committed, error) -> {
            if (error != null) {
                LOG.warn("JDBC sink (group {}) wrote records up to {} but could not commit those offsets: {}; they"
                        + " may be delivered again", config.groupId(), committed, error.getMessage());
            }
        });
    }

    @Override
    public void close() {
        if (consumer != null) {
            try {
                if (!pendingCommit.isEmpty()) {
                    consumer.commitSync(Map.copyOf(pendingCommit)); // the latest offsets, durable before leaving
                    pendingCommit.clear(); // committed: the revocation that close() runs has nothing left to hand over
                }
            } catch (BusException e) {
                LOG.warn("JDBC sink (group {}) could not commit its last offsets on close: {}", config.groupId(), e.getMessage());
            }
            consumer.close();
            consumer = null;
        }
    }
}
