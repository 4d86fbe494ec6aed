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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
 * stops the sink, as {@link SinkErrorPolicy} says. One bad value never blocks the sink for good.
 *
 * <p>Bulk-loaded inserts are pipelined ({@link #poll()}): the next batch is polled and encoded while the database
 * loads the previous one on a loader thread, one transaction at a time and in order. Not thread-safe: one thread drives
 * it (BusConsumer is single-threaded); the loader thread touches only the batch it was handed.
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
    /** The batch loading on {@link #loader} while the next one is polled and encoded; null: none. */
    private InFlight inFlight;
    /** Records of a batch in flight that committed while partitions were revoked or lost: the next poll counts them. */
    private int settledDuringRebalance;
    /** A batch in flight that failed while partitions were revoked or lost: the next poll recovers it. */
    private FailedLoad failedDuringRebalance;
    /** The thread that loads encoded batches (the pipelined path); created with the first one. */
    private ExecutorService loader;
    /** Batches loaded and committed on the loader thread (pipelined) since start. */
    private long batchesLoadedAhead;

    /** A batch handed to the loader: all its records (for offsets), the ones it writes, and how it was encoded. */
    private record InFlight(List<ConsumedRecord> records, List<ConsumedRecord> mine, JdbcSinkWriter encodedBy,
                            JdbcSinkWriter.EncodedBatch batch, Future<?> load) {
    }

    private record FailedLoad(InFlight batch, Throwable error) {
    }

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
     * Polls once and writes what came; returns the number of records handled (written, deleted or skipped) whose
     * transaction committed during this call. Throws {@link SQLException} when the database cannot take a batch;
     * nothing of it is committed then, and the next poll retries it.
     *
     * <p>Pipelined: a batch of inserts that the database loads in bulk (COPY, LOAD DATA) is encoded here and loaded
     * on the {@link #loader} thread, while this thread polls and encodes the next batch. Then it waits for that load
     * before it hands over the next: one transaction at a time, in order, so the database sees the same transactions
     * as without the pipeline, and a record's group offset is committed only after its transaction. A batch that
     * needs statements (upserts, tombstones, schema changes, values the bulk format cannot carry) waits for the batch
     * in flight and is written here, as before.
     */
    public int poll() throws SQLException {
        if (consumer == null) {
            start();
        }
        if (!awaitingSeek.isEmpty()) {
            seekFromOffsetTable();
        }
        List<ConsumedRecord> records = pollBatch();
        batchProgress.clear();
        // a dead letter replayed for another group's pipeline is not this sink's: skipped, its offset committed past
        List<ConsumedRecord> mine = records.stream()
                .filter(r -> !io.busbar.connectors.bus.ReplayedDeadLetters.isForAnotherGroup(r, config.groupId())).toList();
        boolean evolve = schemaEvolution != null && !mine.isEmpty() && schemaEvolution.mayNeedChange(tableColumns,
                mine.stream().map(ConsumedRecord::value).toList());
        // encoded while the previous batch loads: the encoding reads only the records and the writer's plans
        JdbcSinkWriter.EncodedBatch encoded = writer != null && !evolve && !mine.isEmpty() ? writer.encode(mine, records) : null;
        int written = completeInFlight(records);
        if (records.isEmpty()) {
            return written;
        }
        if (encoded != null) {
            if (writer.encodesAhead() && !fencedAwaitingRebalance) {
                load(records, mine, encoded);
                return written;
            }
            writer.recycle(encoded); // the previous batch found that the table takes no bulk loads, or was fenced
        }
        if (fencedAwaitingRebalance) {
            return written; // paused until the group's next rebalance, which positions the partitions again
        }
        try {
            if (evolve) {
                evolveSchema(mine); // a DDL failure is transient: rewound and retried like any other
            }
            if (!mine.isEmpty()) {
                writeIsolatingBadRecords(mine);
            }
        } catch (FencedSinkWriterException e) {
            fenced(e);
            return written;
        } catch (SQLException | RuntimeException e) {
            rewindOrResume(records);
            throw e;
        }
        commitOffsets(JdbcSinkWriter.nextOffsets(records), List.of());
        return written + records.size();
    }

    /** How many batches were loaded on the loader thread while the next was polled (the pipelined path). */
    long batchesLoadedAhead() {
        return batchesLoadedAhead;
    }

    /** Hands an encoded batch to the loader thread (exactly-once: with its offsets write, under the epochs claimed now). */
    private void load(List<ConsumedRecord> records, List<ConsumedRecord> mine, JdbcSinkWriter.EncodedBatch encoded) {
        SinkOffsetTable.Write offsets;
        try {
            offsets = offsetTable == null ? null : offsetTable.prepare(config.groupId(), encoded.nextOffsets());
        } catch (FencedSinkWriterException e) {
            writer.recycle(encoded);
            fenced(e);
            return;
        }
        if (loader == null) {
            loader = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "jdbc-sink-load-" + config.table());
                thread.setDaemon(true);
                return thread;
            });
        }
        Future<?> load = loader.submit(() -> {
            try (Connection connection = dataSource.getConnection()) {
                encoded.load(connection, offsets);
            }
            return null;
        });
        inFlight = new InFlight(records, mine, writer, encoded, load);
    }

    /**
     * Waits for the batch in flight and commits its offsets; returns its record count. When its load failed: a value
     * the database refused (or a batch the bulk load cannot take as statements would) is written again through the
     * statement path here, which isolates the bad records; anything else rewinds it and {@code next} (the records
     * polled meanwhile, not written yet) and throws, so that the next poll retries both.
     */
    private int completeInFlight(List<ConsumedRecord> next) throws SQLException {
        int settled = settledDuringRebalance;
        settledDuringRebalance = 0;
        return settled + completeLoad(next);
    }

    private int completeLoad(List<ConsumedRecord> next) throws SQLException {
        FailedLoad failed = failedDuringRebalance;
        failedDuringRebalance = null;
        if (failed == null) {
            InFlight done = inFlight;
            if (done == null) {
                return 0;
            }
            inFlight = null;
            Throwable error = awaitLoad(done);
            if (error == null) {
                batchesLoadedAhead++;
                commitOffsets(JdbcSinkWriter.nextOffsets(done.records()), List.of());
                return done.records().size();
            }
            failed = new FailedLoad(done, error);
        }
        return recover(failed, next);
    }

    private int recover(FailedLoad failed, List<ConsumedRecord> next) throws SQLException {
        InFlight done = failed.batch();
        Throwable error = failed.error();
        if (error instanceof Error fatal) {
            throw fatal;
        }
        if (error instanceof FencedSinkWriterException fencedOut) {
            fenced(fencedOut);
            return 0;
        }
        List<ConsumedRecord> both = new ArrayList<>(done.records());
        both.addAll(next);
        batchProgress.clear();
        if (!SqlErrors.isDataError(error) && !(error instanceof BulkInsertWriter.NotLoadable)
                && !(error instanceof CopyTextFormat.NotCopyable)
                && !(error instanceof SQLException sql && dialect.refusesBulkInsert(sql))) {
            rewindOrResume(both); // transient: nothing of it committed (exactly-once: the offsets table knows for sure)
            if (error instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw error instanceof SQLException sql ? sql : new SQLException(error.getMessage(), error);
        }
        // the database refused a record of it, or cannot bulk-load it: the statement path writes it, bad records apart
        Set<TopicPartition> assigned = consumer.assignment();
        List<ConsumedRecord> records = done.records().stream().filter(r -> assigned.contains(r.topicPartition())).toList();
        List<ConsumedRecord> mine = done.mine().stream().filter(r -> assigned.contains(r.topicPartition())).toList();
        try {
            if (!mine.isEmpty()) {
                writeIsolatingBadRecords(mine);
            }
        } catch (FencedSinkWriterException e) {
            fenced(e);
            return 0;
        } catch (SQLException | RuntimeException e) {
            rewindOrResume(both);
            throw e;
        }
        commitOffsets(JdbcSinkWriter.nextOffsets(records), List.of());
        return records.size();
    }

    /** Waits for a batch's load; null when it committed, else why not. Its buffers go back to its writer either way. */
    private static Throwable awaitLoad(InFlight done) {
        try {
            done.load().get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // the load goes on and may commit: treated as a transient failure whose outcome is unknown
            return new SQLException("interrupted while batch of " + done.records().size() + " records loads", "08000", e);
        } finally {
            if (done.load().isDone()) {
                done.encodedBy().recycle(done.batch());
            }
        }
    }

    /**
     * During a rebalance (revoked or lost partitions): waits for the batch in flight; its offsets are committed for the
     * partitions this member keeps and left pending for the {@code leaving} ones (the revocation hands them over). A
     * failure is kept for the next poll, which rewinds or rewrites the batch.
     */
    private void settleInFlight(Collection<TopicPartition> leaving) {
        InFlight done = inFlight;
        if (done == null) {
            return;
        }
        inFlight = null;
        Throwable error = awaitLoad(done);
        if (error == null) {
            batchesLoadedAhead++;
            settledDuringRebalance += done.records().size();
            commitOffsets(JdbcSinkWriter.nextOffsets(done.records()), leaving);
        } else {
            failedDuringRebalance = new FailedLoad(done, error);
        }
    }

    private void rewindOrResume(List<ConsumedRecord> records) {
        if (offsetTable != null) {
            resumeFromOffsetTable(records);
        } else {
            rewind(records);
        }
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
        // with a batch loading, nothing new ends this poll at once: the caller then completes that batch without delay
        Duration wait = inFlight != null ? Duration.ZERO : Duration.ofMillis(config.pollTimeoutMs());
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
     * Runs the DDL the batch needs (the table, new columns) and rebuilds the writer for the new columns; called for a
     * batch that {@link SchemaEvolution#mayNeedChange} (a scan of the field names), so values are parsed only then.
     * Records that are not JSON objects are left to the writer.
     */
    private void evolveSchema(List<ConsumedRecord> records) throws SQLException {
        List<com.fasterxml.jackson.databind.JsonNode> values = new ArrayList<>(records.size());
        for (ConsumedRecord r : records) {
            com.fasterxml.jackson.databind.JsonNode value = SchemaEvolution.parseValue(r.value());
            if (value != null) {
                values.add(value);
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            if (!schemaEvolution.evolve(connection, dialect, values) && tableColumns == null
                    && TableColumns.find(connection, config.table()).isEmpty()) {
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
                settleInFlight(partitions); // its offsets of the revoked partitions are handed over below
                awaitingSeek.removeAll(partitions);
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
                settleInFlight(partitions);
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
     * waits for the last one. Offsets of {@code leaving} partitions are only left pending (the revocation commits
     * them synchronously; a lost partition's are dropped).
     */
    private void commitOffsets(Map<TopicPartition, Long> nextOffsets, Collection<TopicPartition> leaving) {
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        nextOffsets.forEach((tp, next) -> offsets.put(tp, new CommittedOffset(next)));
        pendingCommit.putAll(offsets);
        offsets.keySet().removeAll(leaving);
        if (offsets.isEmpty()) {
            return;
        }
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
                completeInFlight(List.of()); // the last batch's load, and its offsets
            } catch (SQLException | RuntimeException e) {
                LOG.warn("JDBC sink (group {}) could not write its last batch before closing: {}; it will be delivered"
                        + " again", config.groupId(), e.getMessage());
            }
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
        if (loader != null) {
            loader.shutdown(); // nothing is in flight any more
            loader = null;
        }
    }
}
