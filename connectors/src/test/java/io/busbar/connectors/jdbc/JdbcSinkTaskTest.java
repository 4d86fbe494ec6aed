package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TestBackend;
import io.busbar.bus.TopicPartition;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Tag(TestBackend.BOTH_BACKENDS)
class JdbcSinkTaskTest {

    @TempDir
    Path busDir;

    static List<BusRecord> orders(long fromId, long toId) {
        List<BusRecord> records = new ArrayList<>();
        for (long id = fromId; id <= toId; id++) {
            records.add(BusRecord.of(Long.toString(id), "{\"id\":" + id + ",\"customer\":\"고객 🚀 " + id
                    + "\",\"total\":" + id + "1234567890123456789.1234567890}"));
        }
        return records;
    }

    static String ordersTable(TestDatabase db, String table, boolean primaryKey) {
        return "CREATE TABLE " + table + " (id BIGINT" + (primaryKey ? " PRIMARY KEY" : "") + ", customer VARCHAR(60),"
                + " total DECIMAL(40,10))" + (db == TestDatabase.MARIADB ? " DEFAULT CHARSET=utf8mb4" : "");
    }

    /** Polls until the task has handled {@code expected} records in all. */
    static void drain(JdbcSinkTask task, long expected) {
        AtomicLong handled = new AtomicLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> handled.addAndGet(task.poll()) >= expected);
        assertThat(handled.get()).isEqualTo(expected);
    }

    private long committed(Bus bus, String group) {
        GroupDescription description = bus.admin().describeGroup(group);
        return description.offsets().stream().mapToLong(GroupDescription.PartitionOffsets::committedOffset).sum();
    }

    /** A dead letter replayed for another group's pipeline (busbar dlq replay) is skipped and committed past. */
    @org.junit.jupiter.api.Test
    void skipsDeadLettersReplayedForAnotherGroup() throws Exception {
        TestDatabase db = TestDatabase.H2;
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            for (boolean exactlyOnce : new boolean[] {false, true}) {
                String table = TestDatabase.uniqueName("replay");
                String group = TestDatabase.uniqueName("g");
                String topic = TestDatabase.uniqueName("orders");
                TestDatabase.execute(ds, ordersTable(db, table, true));
                List<BusRecord> records = new ArrayList<>(orders(1, 3));
                records.add(BusRecord.of("4", "{\"id\":4}").withHeaders(List.of(io.busbar.bus.Header.of(
                        io.busbar.connectors.bus.BusConstants.REPLAY_GROUP_ID, "another-pipeline"))));
                records.add(BusRecord.of("5", "{\"id\":5}").withHeaders(List.of(io.busbar.bus.Header.of(
                        io.busbar.connectors.bus.BusConstants.REPLAY_GROUP_ID, group))));
                BusFixture.produceAll(bus, topic, records);
                JdbcSinkConfig config = JdbcSinkConfig.of(topic, group, table).withExactlyOnce(exactlyOnce);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, db.dialect(), config, bus)) {
                    drain(task, 5);
                }
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).as("ids 1-3 and 5, not 4")
                        .isEqualTo(4);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table + " WHERE id = 4")).isZero();
                assertThat(committed(bus, group)).isEqualTo(5);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void writesTheTopicToTheTableAndCommitsOffsetsAfterTheDatabase(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("report");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, ordersTable(db, table, true));
            try {
                BusFixture.produceAll(bus, "orders", orders(1, 2500));
                JdbcSinkConfig config = JdbcSinkConfig.of("orders", group, table);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, db.dialect(), config, bus)) {
                    drain(task, 2500);
                }
                assertThat(committed(bus, group)).isEqualTo(2500);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(2500);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table + " WHERE customer = '고객 🚀 7'"
                        + " AND total = 71234567890123456789.1234567890")).isEqualTo(1);

                BusFixture.produceAll(bus, "orders", orders(2501, 2600));
                try (JdbcSinkTask restarted = new JdbcSinkTask(ds, db.dialect(), config, bus)) {
                    drain(restarted, 100); // resumes from the group's offsets: only the new records
                }
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(2600);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void exactlyOnceDoesNotWriteABatchAgainWhenItsCommitOutcomeWasLost(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("eo_ambiguous");
        String offsets = TestDatabase.uniqueName("eo_offsets");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, ordersTable(db, table, false)); // no key: a duplicate would show
            try {
                JdbcSinkConfig config = exactlyOnce(group, table, offsets);
                AtomicBoolean loseAnswer = new AtomicBoolean();
                DataSource flaky = CommitAnswerLosingDataSource.wrap(ds, loseAnswer);
                try (JdbcSinkTask task = new JdbcSinkTask(flaky, db.dialect(), config, bus)) {
                    assertThat(task.poll()).isZero(); // started: the offsets table exists, nothing to write yet
                    // the database applies the batch's COMMIT but the answer is lost, as when a connection drops during it
                    loseAnswer.set(true);
                    BusFixture.produceAll(bus, "orders", orders(1, 100));
                    await().atMost(Duration.ofSeconds(60)).until(() -> {
                        try {
                            task.poll();
                        } catch (SQLException expected) {
                            return !loseAnswer.get(); // the lost answer surfaced as a failed batch
                        }
                        return false;
                    });
                    drainUntilIdle(task);
                }
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(100);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + db.dialect().quote(offsets));
            }
        }
    }

    /** Inserts into {@code table}, exactly-once through {@code offsets}, batches of 100. */
    private static JdbcSinkConfig exactlyOnce(String group, String table, String offsets) {
        return new JdbcSinkConfig("orders", group, table, WriteMode.INSERT, List.of(), false, Map.of(), false, true,
                offsets, 100, 200);
    }

    /** Polls until a poll handles nothing, at least a few times: what a retry would write again is written by then. */
    private static void drainUntilIdle(JdbcSinkTask task) throws SQLException {
        int idle = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (idle < 3 && System.currentTimeMillis() < deadline) {
            idle = task.poll() == 0 ? idle + 1 : 0;
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void exactlyOnceResumesFromTheOffsetsTableWhenTheGroupCommitWasLost(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("eo_report");
        String offsets = TestDatabase.uniqueName("eo_offsets");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, ordersTable(db, table, false)); // no key: a duplicate would show
            try {
                BusFixture.produceAll(bus, "orders", orders(1, 300));
                JdbcSinkConfig config = exactlyOnce(group, table, offsets);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, db.dialect(), config, bus)) {
                    drain(task, 300);
                }
                // as if the runtime died after the database commit but before the group commit
                bus.admin().resetGroupOffsets(group, Set.of(new TopicPartition("orders", 0)), OffsetSpec.earliest());
                BusFixture.produceAll(bus, "orders", orders(301, 350));
                try (JdbcSinkTask restarted = new JdbcSinkTask(ds, db.dialect(), config, bus)) {
                    drain(restarted, 50);
                }
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(350);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(350);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + db.dialect().quote(offsets));
            }
        }
    }

    /** Assigned partitions wait for their seek from the offsets table: the poll that assigned them must not sit idle. */
    @org.junit.jupiter.api.Test
    void exactlyOnceStartsWritingWithoutWaitingOutThePollTimeout() throws Exception {
        TestDatabase db = TestDatabase.H2;
        String table = TestDatabase.uniqueName("eo_start");
        String offsets = TestDatabase.uniqueName("eo_offsets");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, ordersTable(db, table, true));
            try {
                BusFixture.produceAll(bus, "orders", orders(1, 50));
                JdbcSinkConfig config = new JdbcSinkConfig("orders", TestDatabase.uniqueName("g"), table, WriteMode.INSERT,
                        List.of(), false, Map.of(), false, true, offsets, 100, 120_000);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, db.dialect(), config, bus)) {
                    long start = System.nanoTime();
                    long handled = 0;
                    for (int i = 0; i < 3 && handled == 0; i++) {
                        handled = task.poll(); // join and assign (paused), then seek and write
                    }
                    assertThat(handled).as("written within three polls").isEqualTo(50);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not after a 120 s poll timeout")
                            .isLessThan(Duration.ofSeconds(60));
                }
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + db.dialect().quote(offsets));
            }
        }
    }
}
