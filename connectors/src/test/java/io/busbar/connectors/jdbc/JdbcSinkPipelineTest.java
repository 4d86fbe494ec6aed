package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.TestBackend;
import io.busbar.connectors.bus.BusConstants;
import io.busbar.connectors.sink.SinkErrorPolicy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipelined path of {@link JdbcSinkTask} on the databases that load in bulk (COPY, LOAD DATA): the next batch is
 * polled and encoded while the previous one loads on the loader thread. What must hold whatever the batch in flight
 * does: a bad record in it is isolated while the next batch is already encoded, a transaction that fails at its end
 * rewinds both batches (no loss, no duplicate), and a member joining the group mid-stream takes over without loss.
 */
@Tag(TestBackend.BOTH_BACKENDS)
class JdbcSinkPipelineTest {

    private static final int RECORDS = 1000;
    private static final int BATCH = 100;

    @TempDir
    Path busDir;

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void batchesLoadAheadAndABadRecordIsIsolatedWhileTheNextBatchIsEncoded(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("pipe_bad");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, JdbcSinkTaskTest.ordersTable(db, table, true));
            try {
                List<BusRecord> input = new ArrayList<>(JdbcSinkTaskTest.orders(1, RECORDS));
                input.set(249, BusRecord.of("dup", "{\"id\":7,\"customer\":\"again\",\"total\":1}")); // batch 3: key 7 is taken
                input.set(730, BusRecord.of("long", "{\"id\":731,\"customer\":\"" + "x".repeat(61) + "\",\"total\":1}"));
                BusFixture.produceAll(bus, "orders", input);
                JdbcSinkTask task = new JdbcSinkTask(ds, db.dialect(), config(group, table, null), bus)
                        .withErrorPolicy(SinkErrorPolicy.DEAD_LETTER, null);
                try (task) {
                    JdbcSinkTaskTest.drain(task, RECORDS);
                    assertThat(task.batchesLoadedAhead()).as("batches loaded while the next was polled")
                            .isGreaterThanOrEqualTo(RECORDS / BATCH - 2);
                }
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(RECORDS - 2);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table + " WHERE id IN (250, 731)")).isZero();
                List<ConsumedRecord> deadLetters = BusFixture.readAll(bus, "orders.dlq");
                assertThat(deadLetters).extracting(ConsumedRecord::keyAsString).containsExactly("dup", "long");
                assertThat(DeadLetters.header(deadLetters.get(0), BusConstants.DLQ_SQL_STATE)).startsWith("23");
                assertThat(DeadLetters.header(deadLetters.get(0), BusConstants.DLQ_ORIGINAL_OFFSET)).isEqualTo("249");
                assertThat(DeadLetters.header(deadLetters.get(1), BusConstants.DLQ_SQL_STATE)).startsWith("22");
                assertThat(committed(bus, group)).isEqualTo(RECORDS);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void aBatchWhoseTransactionFailsIsRewoundWithTheBatchPolledMeanwhile(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("pipe_fail");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, JdbcSinkTaskTest.ordersTable(db, table, false)); // no key: a duplicate would show
            try {
                BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, RECORDS));
                AtomicBoolean failNextCommit = new AtomicBoolean();
                DataSource flaky = CommitAnswerLosingDataSource.failing(ds, failNextCommit);
                List<SQLException> failures = new ArrayList<>();
                try (JdbcSinkTask task = new JdbcSinkTask(flaky, db.dialect(), config(group, table, null), bus)) {
                    long handled = 0;
                    boolean armed = false;
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (handled < RECORDS && System.currentTimeMillis() < deadline) {
                        if (handled >= 300 && !armed) {
                            failNextCommit.set(true); // the batch loading now fails at COMMIT, the next one is polled
                            armed = true;
                        }
                        try {
                            handled += task.poll();
                        } catch (SQLException e) {
                            failures.add(e);
                        }
                    }
                    assertThat(handled).isEqualTo(RECORDS);
                }
                assertThat(failures).hasSize(1);
                assertThat(failures.get(0).getMessage()).contains("injected");
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(RECORDS);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(RECORDS);
                assertThat(committed(bus, group)).isEqualTo(RECORDS);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void exactlyOnceWritesEachRecordOnceWhenACommitAnswerIsLostWithABatchPolledBehindIt(TestDatabase db)
            throws Exception {
        String table = TestDatabase.uniqueName("pipe_eo");
        String offsets = TestDatabase.uniqueName("pipe_off");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, JdbcSinkTaskTest.ordersTable(db, table, false));
            try {
                BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, RECORDS));
                AtomicBoolean loseAnswer = new AtomicBoolean();
                DataSource flaky = CommitAnswerLosingDataSource.wrap(ds, loseAnswer);
                int failures = 0;
                try (JdbcSinkTask task = new JdbcSinkTask(flaky, db.dialect(), config(group, table, offsets), bus)) {
                    long handled = 0;
                    boolean armed = false;
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (System.currentTimeMillis() < deadline && (handled < RECORDS - BATCH || failures == 0)) {
                        if (handled >= 300 && !armed) {
                            loseAnswer.set(true); // the database commits the batch in flight, the sink hears a failure
                            armed = true;
                        }
                        try {
                            handled += task.poll();
                        } catch (SQLException e) {
                            failures++;
                        }
                    }
                    for (int idle = 0; idle < 3 && System.currentTimeMillis() < deadline; ) {
                        idle = task.poll() == 0 ? idle + 1 : 0;
                    }
                }
                assertThat(failures).isEqualTo(1);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(RECORDS);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(RECORDS);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + db.dialect().quote(offsets));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void aMemberJoiningMidStreamTakesOverWithoutLossOrDuplicate(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("pipe_join");
        String offsets = TestDatabase.uniqueName("pipe_off");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, JdbcSinkTaskTest.ordersTable(db, table, false));
            try {
                bus.admin().createTopic("orders", 2, Map.of());
                BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, RECORDS));
                JdbcSinkConfig config = config(group, table, offsets);
                AtomicLong byFirst = new AtomicLong();
                AtomicLong bySecond = new AtomicLong();
                AtomicBoolean done = new AtomicBoolean();
                try (JdbcSinkTask first = new JdbcSinkTask(ds, db.dialect(), config, bus);
                     JdbcSinkTask second = new JdbcSinkTask(ds, db.dialect(), config, bus)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> byFirst.addAndGet(first.poll()) >= 500);
                    // the second member joins while the first has a batch loading: the revocation settles that batch
                    Thread joiner = new Thread(() -> {
                        while (!done.get()) {
                            try {
                                bySecond.addAndGet(second.poll());
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }, "second-member");
                    joiner.start();
                    long produced = RECORDS;
                    long deadline = System.currentTimeMillis() + 60_000;
                    while ((bySecond.get() == 0 || byFirst.get() + bySecond.get() < produced)
                            && System.currentTimeMillis() < deadline) {
                        if (bySecond.get() == 0) {
                            // records keep coming until the second member has written some: the rebalance is mid-stream
                            // (on Kafka the first member may drain all it has before the group has rebalanced)
                            BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(produced + 1, produced + 50));
                            produced += 50;
                        }
                        byFirst.addAndGet(first.poll());
                    }
                    done.set(true);
                    joiner.join(60_000);
                    assertThat(bySecond.get()).as("the second member wrote part of the stream").isPositive();
                    assertThat(byFirst.get() + bySecond.get()).isEqualTo(produced);
                    assertThat(JdbcTestRows.count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(produced);
                    assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).as("exactly once")
                            .isEqualTo(produced);
                }
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + db.dialect().quote(offsets));
            }
        }
    }

    /** Inserts in batches of {@value #BATCH}; exactly-once through {@code offsetsTable} unless it is null. */
    private static JdbcSinkConfig config(String group, String table, String offsetsTable) {
        return new JdbcSinkConfig("orders", group, table, WriteMode.INSERT, List.of(), false, Map.of(), false,
                offsetsTable != null, offsetsTable != null ? offsetsTable : JdbcSinkConfig.DEFAULT_OFFSETS_TABLE, BATCH, 200);
    }

    private static long committed(Bus bus, String group) {
        GroupDescription description = bus.admin().describeGroup(group);
        return description.offsets().stream().mapToLong(GroupDescription.PartitionOffsets::committedOffset).sum();
    }
}
