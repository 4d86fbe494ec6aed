package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.TestBackend;
import io.busbar.connectors.position.PositionStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.busbar.connectors.jdbc.JdbcTestRows.field;
import static org.assertj.core.api.Assertions.assertThat;

@Tag(TestBackend.BOTH_BACKENDS)
class JdbcSourceTaskTest {

    @TempDir
    Path busDir;

    private static JsonNode json(ConsumedRecord r) throws Exception {
        return RecordJson.MAPPER.readTree(r.value());
    }

    private static List<Long> ids(List<ConsumedRecord> records) throws Exception {
        List<Long> ids = new java.util.ArrayList<>();
        for (ConsumedRecord r : records) {
            ids.add(field(json(r), "id").longValue());
        }
        return ids;
    }

    private static void insertOrders(HikariDataSource ds, String table, long fromId, long toId) throws Exception {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, customer) VALUES (?, ?)")) {
            for (long id = fromId; id <= toId; id++) {
                ps.setLong(1, id);
                ps.setString(2, "고객-" + id);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void publishesNewRowsOnceAndResumesFromTheStoredPositionAfterRestart(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("orders");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, customer VARCHAR(50))");
            try {
                insertOrders(ds, table, 1, 2500);
                JdbcSourceConfig config = JdbcSourceConfig.of("orders-" + table, "orders", table, SourceMode.INCREMENTING, "id", null);
                try (PositionStore positions = new PositionStore(bus)) {
                    assertThat(new JdbcSourceTask(ds, db.dialect(), config, bus.producer(), positions).poll()).isEqualTo(2500);
                }
                insertOrders(ds, table, 2501, 2510);
                try (PositionStore positions = new PositionStore(bus)) { // a restart: position from the bus
                    JdbcSourceTask restarted = new JdbcSourceTask(ds, db.dialect(), config, bus.producer(), positions);
                    assertThat(restarted.poll()).isEqualTo(10);
                    assertThat(restarted.poll()).isZero();
                    assertThat(restarted.positionJson()).isEqualTo("{\"incrementing\":2510}");
                }
                List<ConsumedRecord> records = BusFixture.readAll(bus, "orders");
                assertThat(ids(records)).hasSize(2510).doesNotHaveDuplicates();
                assertThat(records.get(0).keyAsString()).isEqualTo("1"); // key: the primary key
                assertThat(field(json(records.get(2509)), "customer").textValue()).isEqualTo("고객-2510");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void timestampModeKeepsEqualTimestampsAndWaitsForLateCommits(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("events");
        long base = System.currentTimeMillis();
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir); PositionStore positions = new PositionStore(bus)) {
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, updated_at "
                    + (db == TestDatabase.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)") + " NOT NULL, note VARCHAR(20))");
            try {
                String insert = "INSERT INTO " + table + " (id, updated_at, note) VALUES (?, ?, ?)";
                Timestamp same = new Timestamp(base - 100_000);
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
                    for (long id = 1; id <= 7; id++) { // seven rows, one timestamp, across batches of three
                        ps.setLong(1, id);
                        ps.setTimestamp(2, same);
                        ps.setString(3, "same");
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    c.commit();
                }
                AtomicLong now = new AtomicLong(base);
                JdbcSourceConfig config = JdbcSourceConfig.of("events-" + table, "events", table,
                        SourceMode.TIMESTAMP_INCREMENTING, "id", "updated_at").withBatchSize(3).withTimestampDelayMs(5_000);
                JdbcSourceTask task = new JdbcSourceTask(ds, db.dialect(), config, bus.producer(), positions, now::get);
                assertThat(task.poll()).isEqualTo(7);

                // a transaction stamps row 8 first but commits after row 9 is committed
                try (Connection late = ds.getConnection(); PreparedStatement lateInsert = late.prepareStatement(insert)) {
                    lateInsert.setLong(1, 8);
                    lateInsert.setTimestamp(2, new Timestamp(base - 3_000));
                    lateInsert.setString(3, "late");
                    lateInsert.executeUpdate();
                    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
                        ps.setLong(1, 9);
                        ps.setTimestamp(2, new Timestamp(base - 2_000));
                        ps.setString(3, "on time");
                        ps.executeUpdate();
                        c.commit();
                    }
                    // row 9 is younger than the 5 s delay: not read yet, so the position cannot pass row 8
                    assertThat(task.poll()).isZero();
                    late.commit();
                }
                now.set(base + 10_000);
                assertThat(task.poll()).isEqualTo(2);

                // an update moves the timestamp forward: the row is published again
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "UPDATE " + table + " SET updated_at = ?, note = 'updated' WHERE id = 2")) {
                    ps.setTimestamp(1, new Timestamp(base - 1_000));
                    ps.executeUpdate();
                    c.commit();
                }
                assertThat(task.poll()).isEqualTo(1);

                List<ConsumedRecord> records = BusFixture.readAll(bus, "events");
                assertThat(ids(records)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 2L);
                assertThat(field(json(records.get(9)), "note").textValue()).isEqualTo("updated");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void bulkModePublishesTheWholeQueryResultEachPoll(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("prices");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir); PositionStore positions = new PositionStore(bus)) {
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, customer VARCHAR(50))");
            try {
                insertOrders(ds, table, 1, 5);
                JdbcSourceConfig config = JdbcSourceConfig.of("prices-" + table, "prices", null, SourceMode.BULK, null, null)
                        .withQuery("SELECT id, customer FROM " + table + " WHERE id > 2").withKeyColumn("id").withBatchSize(2);
                JdbcSourceTask task = new JdbcSourceTask(ds, db.dialect(), config, bus.producer(), positions);
                assertThat(task.poll()).isEqualTo(3);
                assertThat(task.poll()).isEqualTo(3);
                List<ConsumedRecord> records = BusFixture.readAll(bus, "prices");
                assertThat(ids(records)).containsExactlyInAnyOrder(3L, 4L, 5L, 3L, 4L, 5L);
                assertThat(records).allSatisfy(r -> assertThat(r.keyAsString()).isIn("3", "4", "5"));
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = "H2")
    void namesAMissingColumnAndTheFix(TestDatabase db) throws Exception {
        String table = TestDatabase.uniqueName("orders");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir); PositionStore positions = new PositionStore(bus)) {
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY)");
            JdbcSourceConfig config = JdbcSourceConfig.of("x", "orders", table, SourceMode.INCREMENTING, "seq", null);
            JdbcSourceTask task = new JdbcSourceTask(ds, db.dialect(), config, bus.producer(), positions);
            org.assertj.core.api.Assertions.assertThatThrownBy(task::poll).isInstanceOf(JdbcConfigException.class)
                    .hasMessageContaining("incrementingColumn 'seq' is not a column").hasMessageContaining("fix incrementingColumn");
        }
    }
}
