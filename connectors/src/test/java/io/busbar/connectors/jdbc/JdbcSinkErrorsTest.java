package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.GroupDescription;
import io.busbar.connectors.bus.BusConstants;
import io.busbar.connectors.sink.SinkErrorPolicy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One bad value never blocks a JDBC sink: records the database refuses for their data are found by splitting the
 * batch, dead-lettered with the reason and the SQLState, and the rest is written; empty fields into typed columns are
 * NULL and zoned timestamps land in TIMESTAMP columns in UTC — on H2, PostgreSQL and MariaDB, in both modes.
 */
class JdbcSinkErrorsTest {

    @TempDir
    Path busDir;

    /** id, amount, created_at, name: the records of a hostile CSV after the file source turned them into JSON. */
    private static List<BusRecord> records(TestDatabase db) {
        List<BusRecord> records = new ArrayList<>(List.of(
                record(1, "{\"id\":1,\"amount\":\"10.50\",\"created_at\":\"2026-11-02T01:01:00Z\",\"name\":\"first\"}"),
                record(2, "{\"id\":2,\"amount\":\"\",\"created_at\":\"\",\"name\":\"empty\"}"),
                record(3, "{\"id\":3,\"amount\":\"1234567890123456789012345678.12\",\"created_at\":\"2026-11-02T01:01:00+09:00\",\"name\":\"zoned\"}"),
                record(4, "{\"id\":4,\"amount\":\"1\",\"created_at\":\"2026-11-02T01:01:00\",\"name\":null}"),
                record(5, "{\"id\":5,\"amount\":\"1\",\"created_at\":\"2026-11-02T01:01:00\",\"name\":\"far too long for ten\"}"),
                record(6, "{\"id\":1,\"amount\":\"2\",\"created_at\":\"2026-11-02T01:01:00\",\"name\":\"dup key\"}"),
                record(7, "{\"id\":7,\"amount\":\"lots\",\"created_at\":\"2026-11-02T01:01:00\",\"name\":\"nan\"}"),
                record(8, "{\"id\":8,\"amount\":\"-0.01\",\"created_at\":\"2026-11-02T01:01:00.5\",\"name\":\"last\"}")));
        if (db == TestDatabase.POSTGRESQL) {
            records.add(record(9, "{\"id\":9,\"amount\":\"1\",\"created_at\":\"2026-11-02T01:01:00\",\"name\":\"nul\\u0000byte\"}"));
        }
        return records;
    }

    private static BusRecord record(long key, String json) {
        return BusRecord.of(Long.toString(key), json);
    }

    private static String table(TestDatabase db, String name) {
        return "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, amount DECIMAL(30,2), created_at TIMESTAMP NULL,"
                + " name VARCHAR(10) NOT NULL)" + (db == TestDatabase.MARIADB ? " DEFAULT CHARSET=utf8mb4" : "");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void badRecordsAreDeadLetteredAndTheRestIsWritten(TestDatabase db) throws Exception {
        check(db, false);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void exactlyOnceMovesItsOffsetsPastDeadLetteredRecords(TestDatabase db) throws Exception {
        check(db, true);
    }

    private void check(TestDatabase db, boolean exactlyOnce) throws Exception {
        db.assumeAvailable();
        String table = TestDatabase.uniqueName("sinks_err");
        String offsets = TestDatabase.uniqueName("sinks_off");
        String group = TestDatabase.uniqueName("g");
        List<BusRecord> input = records(db);
        int bad = input.size() - 4; // ids 4, 5, 7, the duplicate of 1 (and the NUL byte on PostgreSQL)
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir.resolve(db.name() + exactlyOnce))) {
            TestDatabase.execute(ds, table(db, table));
            try {
                BusFixture.produceAll(bus, "orders", input);
                JdbcSinkConfig config = JdbcSinkConfig.of("orders", group, table).withExactlyOnce(exactlyOnce);
                if (exactlyOnce) {
                    config = new JdbcSinkConfig(config.topic(), config.groupId(), config.table(), config.writeMode(),
                            config.keyColumns(), false, Map.of(), false, true, offsets, 1000, 500);
                }
                try (JdbcSinkTask task = new JdbcSinkTask(ds, db.dialect(), config, bus)
                        .withErrorPolicy(SinkErrorPolicy.DEAD_LETTER, null)) {
                    JdbcSinkTaskTest.drain(task, input.size());
                }

                Map<Long, List<String>> rows = rows(ds, table);
                assertThat(rows.keySet()).containsExactly(1L, 2L, 3L, 8L);
                assertThat(rows.get(1L)).containsExactly("10.50", "2026-11-02T01:01", "first");
                assertThat(rows.get(2L)).as("empty fields into typed columns are NULL").containsExactly(null, null, "empty");
                assertThat(rows.get(3L)).as("28 digits; +09:00 stored in UTC")
                        .containsExactly("1234567890123456789012345678.12", "2026-11-01T16:01", "zoned");
                assertThat(rows.get(8L).get(0)).isEqualTo("-0.01");

                List<ConsumedRecord> deadLetters = BusFixture.readAll(bus, "orders.dlq");
                assertThat(deadLetters).hasSize(bad);
                for (ConsumedRecord dl : deadLetters) {
                    assertThat(DeadLetters.header(dl, BusConstants.DLQ_ORIGINAL_TOPIC)).isEqualTo("orders");
                    assertThat(DeadLetters.header(dl, BusConstants.DLQ_ORIGINAL_OFFSET)).isNotNull();
                    assertThat(DeadLetters.header(dl, BusConstants.DLQ_GROUP_ID)).isEqualTo(group);
                    assertThat(DeadLetters.header(dl, BusConstants.DLQ_REASON)).startsWith("table " + table + " refused the record");
                }
                List<String> badKeys = new ArrayList<>(List.of("4", "5", "6", "7"));
                if (db == TestDatabase.POSTGRESQL) {
                    badKeys.add("9");
                }
                assertThat(deadLetters).extracting(ConsumedRecord::keyAsString).containsExactlyInAnyOrderElementsOf(badKeys);
                ConsumedRecord notNull = find(deadLetters, "4");
                assertThat(DeadLetters.header(notNull, BusConstants.DLQ_SQL_STATE)).startsWith("23");
                ConsumedRecord tooLong = find(deadLetters, "5");
                assertThat(DeadLetters.header(tooLong, BusConstants.DLQ_SQL_STATE)).startsWith("22");
                assertThat(DeadLetters.header(find(deadLetters, "6"), BusConstants.DLQ_SQL_STATE)).startsWith("23");
                assertThat(DeadLetters.header(find(deadLetters, "7"), BusConstants.DLQ_REASON)).containsIgnoringCase("amount").contains("lots");
                if (db == TestDatabase.POSTGRESQL) {
                    assertThat(DeadLetters.header(find(deadLetters, "9"), BusConstants.DLQ_SQL_STATE)).startsWith("22");
                    assertThat(DeadLetters.header(find(deadLetters, "9"), BusConstants.DLQ_REASON)).as("a clear reason, not the"
                            + " driver's 'invalid byte sequence'").contains("column 'name' contains a NUL character");
                }
                GroupDescription g = bus.admin().describeGroup(group);
                assertThat(g.offsets().stream().mapToLong(GroupDescription.PartitionOffsets::committedOffset).sum())
                        .as("the group passed every record").isEqualTo(input.size());
                if (exactlyOnce) {
                    try (Connection c = ds.getConnection()) {
                        var stored = new SinkOffsetTable(db.dialect(), offsets).read(c, group, "orders");
                        c.rollback();
                        assertThat(stored.values()).containsExactly((long) input.size());
                    }
                }
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
                if (exactlyOnce) {
                    TestDatabase.execute(ds, "DROP TABLE " + db.dialect().quote(offsets));
                }
            }
        }
    }

    private static ConsumedRecord find(List<ConsumedRecord> records, String key) {
        return records.stream().filter(r -> key.equals(r.keyAsString())).findFirst().orElseThrow(
                () -> new AssertionError("no dead letter with key " + key + " in " + records.stream().map(ConsumedRecord::keyAsString).toList()));
    }


    /** id → [amount as plain text, created_at to the minute or second, name]. */
    private static Map<Long, List<String>> rows(HikariDataSource ds, String table) throws Exception {
        Map<Long, List<String>> rows = new TreeMap<>();
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT id, amount, created_at, name FROM " + table)) {
            while (rs.next()) {
                java.math.BigDecimal amount = rs.getBigDecimal(2);
                java.sql.Timestamp at = rs.getTimestamp(3);
                List<String> row = new ArrayList<>();
                row.add(amount == null ? null : amount.toPlainString());
                row.add(at == null ? null : at.toLocalDateTime().withNano(0).toString());
                row.add(rs.getString(4));
                rows.put(rs.getLong(1), row);
            }
            c.rollback();
        }
        return rows;
    }
}
