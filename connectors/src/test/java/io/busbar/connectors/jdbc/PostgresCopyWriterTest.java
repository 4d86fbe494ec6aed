package io.busbar.connectors.jdbc;

import io.busbar.connectors.sink.SinkErrorPolicy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL sink's COPY path on the real server: hostile values come back exactly as the statement path writes
 * them, one bad record in a COPY batch is dead-lettered alone, and exactly-once keeps COPY and the offsets row in one
 * transaction. Tables carry {@code loaded_by TEXT DEFAULT current_query()}, so each row tells whether a COPY or an
 * INSERT wrote it.
 */
class PostgresCopyWriterTest {

    private static final TestDatabase DB = TestDatabase.POSTGRESQL;
    private static final String COLUMNS = "id, text_v, vc_v, dec_v, dbl_v, int_v, bool_v, date_v, time_v, timetz_v, ts_v,"
            + " tstz_v, bin_v, json_v, uuid_v";

    @TempDir
    Path busDir;

    @BeforeEach
    void needsPostgres() {
        DB.assumeAvailable();
    }

    private static String hostileTable(String name) {
        return "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, text_v TEXT, vc_v VARCHAR(100), dec_v NUMERIC(40,10),"
                + " dbl_v DOUBLE PRECISION, int_v INTEGER, bool_v BOOLEAN, date_v DATE, time_v TIME, timetz_v TIMETZ,"
                + " ts_v TIMESTAMP(6), tstz_v TIMESTAMPTZ(6), bin_v BYTEA, json_v JSONB, uuid_v UUID,"
                + " loaded_by TEXT DEFAULT current_query())";
    }

    /** Text that breaks naive CSV/COPY encoders, one value per record. */
    static final List<String> HOSTILE = List.of(
            "he said \"hi\", then left", "line1\nline2\r\nline3\r", "C:\\temp\\new\\", "\\N", "\\.", "a\tb\t",
            "주문 확인 — 서울", "🚀🎉 emoji 👩‍👩‍👧", "", ",", "\"", "'; DROP TABLE x; --", "   spaces   ", "\u00e9\u0301 é");

    private static List<BusRecord> hostileRecords() {
        List<BusRecord> records = new ArrayList<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            ObjectNode v = RecordJson.NODES.objectNode();
            v.put("id", i + 1);
            v.put("text_v", HOSTILE.get(i));
            v.put("vc_v", HOSTILE.get(HOSTILE.size() - 1 - i));
            v.put("dec_v", i % 2 == 0 ? "123456789012345678.1234567890" : "-999999999999999999999999999999.9999999999");
            v.put("dbl_v", i == 0 ? "NaN" : Double.toString(i * 1.0e-7));
            v.put("int_v", i % 3 == 0 ? "" : Integer.toString(-i));
            v.put("bool_v", i % 2 == 0);
            v.put("date_v", "2026-02-" + (10 + i));
            v.put("time_v", i % 2 == 0 ? "23:59:59.999999" : "00:00");
            v.put("timetz_v", "13:45:10+09:00");
            v.put("ts_v", i % 2 == 0 ? "2026-11-02T01:01:00+09:00" : "2026-11-02T01:01:00.5");
            v.put("tstz_v", i % 2 == 0 ? "2026-11-02T01:01:00.123456-05:30" : "2026-11-02T01:01:00Z");
            v.put("bin_v", Base64.getEncoder().encodeToString(HOSTILE.get(i).getBytes(StandardCharsets.UTF_8)));
            ObjectNode json = RecordJson.NODES.objectNode().put("s", HOSTILE.get(i));
            v.set("json_v", json);
            v.put("uuid_v", "6f1c2d7e-1b6a-4c55-9a0e-0000000000" + (10 + i));
            if (i == 4) {
                v.putNull("text_v");
                v.putNull("dec_v");
                v.putNull("ts_v");
                v.putNull("bin_v");
            }
            records.add(BusRecord.of(Long.toString(i + 1), v.toString()));
        }
        return records;
    }

    @Test
    void hostileValuesComeBackAsTheStatementPathWritesThem() throws Exception {
        String copied = TestDatabase.uniqueName("copy_hostile");
        String inserted = TestDatabase.uniqueName("stmt_hostile");
        List<BusRecord> input = hostileRecords();
        try (HikariDataSource ds = DB.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, hostileTable(copied), hostileTable(inserted));
            try {
                BusFixture.produceAll(bus, "hostile", input);
                // insert mode loads by COPY; upsert mode uses statements: the reference for every value
                try (JdbcSinkTask copy = new JdbcSinkTask(ds, DB.dialect(), JdbcSinkConfig.of("hostile",
                        TestDatabase.uniqueName("g"), copied), bus)) {
                    JdbcSinkTaskTest.drain(copy, input.size());
                }
                try (JdbcSinkTask statements = new JdbcSinkTask(ds, DB.dialect(), JdbcSinkConfig.of("hostile",
                        TestDatabase.uniqueName("g"), inserted).withUpsert(List.of()), bus)) {
                    JdbcSinkTaskTest.drain(statements, input.size());
                }

                assertThat(loadedBy(ds, copied)).as("every row came through COPY").containsOnlyKeys("COPY");
                assertThat(loadedBy(ds, inserted)).containsOnlyKeys("INSERT");
                assertThat(count(ds, "SELECT COUNT(*) FROM (SELECT " + COLUMNS + " FROM " + copied + " EXCEPT SELECT "
                        + COLUMNS + " FROM " + inserted + ") d")).as("rows differing from the statement path").isZero();
                assertThat(count(ds, "SELECT COUNT(*) FROM " + copied)).isEqualTo(HOSTILE.size());

                Map<Long, List<Object>> rows = new HashMap<>();
                try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT id, text_v, vc_v, dec_v, ts_v, tstz_v, bin_v, int_v, json_v->>'s'"
                             + " FROM " + copied)) {
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>();
                        row.add(rs.getString(2));
                        row.add(rs.getString(3));
                        row.add(rs.getBigDecimal(4));
                        row.add(rs.getObject(5, LocalDateTime.class));
                        row.add(rs.getObject(6, OffsetDateTime.class));
                        row.add(rs.getBytes(7));
                        row.add(rs.getObject(8));
                        row.add(rs.getString(9));
                        rows.put(rs.getLong(1), row);
                    }
                    c.rollback();
                }
                for (int i = 0; i < HOSTILE.size(); i++) {
                    List<Object> row = rows.get(i + 1L);
                    String text = HOSTILE.get(i);
                    if (i == 4) {
                        assertThat(row.get(0)).as("JSON null is NULL, not the text \\N").isNull();
                        assertThat(row.get(2)).isNull();
                        assertThat(row.get(3)).isNull();
                        assertThat(row.get(5)).isNull();
                    } else {
                        assertThat(row.get(0)).as("text_v of id %d", i + 1).isEqualTo(text);
                        assertThat((byte[]) row.get(5)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
                        assertThat((BigDecimal) row.get(2)).isEqualByComparingTo(i % 2 == 0
                                ? "123456789012345678.1234567890" : "-999999999999999999999999999999.9999999999");
                        assertThat(row.get(3)).as("zoned into TIMESTAMP: UTC").isEqualTo(i % 2 == 0
                                ? LocalDateTime.parse("2026-11-01T16:01:00") : LocalDateTime.parse("2026-11-02T01:01:00.5"));
                    }
                    assertThat(row.get(1)).isEqualTo(HOSTILE.get(HOSTILE.size() - 1 - i));
                    assertThat(((OffsetDateTime) row.get(4)).toInstant()).isEqualTo(OffsetDateTime.parse(i % 2 == 0
                            ? "2026-11-02T01:01:00.123456-05:30" : "2026-11-02T01:01:00Z").toInstant());
                    assertThat(row.get(6)).as("empty text into INTEGER is NULL").isEqualTo(i % 3 == 0 ? null : -i);
                    assertThat(row.get(7)).isEqualTo(text);
                }
                assertThat(rows.get(1L).get(0)).isEqualTo("he said \"hi\", then left");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + copied, "DROP TABLE " + inserted);
            }
        }
    }

    @Test
    void aBadRecordInACopyBatchIsDeadLetteredAloneAndTheRestIsWritten() throws Exception {
        String table = TestDatabase.uniqueName("copy_bad");
        List<BusRecord> input = new ArrayList<>();
        for (int id = 1; id <= 300; id++) {
            int key = id == 150 ? 10 : id; // 150 repeats key 10: unique violation
            String name = id == 220 ? "far too long for ten" : "n" + id; // over-long text
            input.add(BusRecord.of(Integer.toString(id), "{\"id\":" + key + ",\"name\":\"" + name + "\"}"));
        }
        try (HikariDataSource ds = DB.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(10) NOT NULL,"
                    + " loaded_by TEXT DEFAULT current_query())");
            try {
                BusFixture.produceAll(bus, "orders", input);
                JdbcSinkConfig config = JdbcSinkConfig.of("orders", TestDatabase.uniqueName("g"), table).withBatchSize(300);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, DB.dialect(), config, bus)
                        .withErrorPolicy(SinkErrorPolicy.DEAD_LETTER, null)) {
                    JdbcSinkTaskTest.drain(task, 300);
                    // the next clean batch goes by COPY again
                    List<BusRecord> more = new ArrayList<>();
                    for (int id = 301; id <= 400; id++) {
                        more.add(BusRecord.of(Integer.toString(id), "{\"id\":" + id + ",\"name\":\"n" + id + "\"}"));
                    }
                    BusFixture.produceAll(bus, "orders", more);
                    JdbcSinkTaskTest.drain(task, 100);
                }
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(398);
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table + " WHERE id IN (150, 220)")).isZero();
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table + " WHERE id = 10 AND name = 'n10'")).isEqualTo(1);
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table + " WHERE id > 300 AND loaded_by LIKE 'COPY%'"))
                        .as("clean batches load by COPY").isEqualTo(100);

                List<ConsumedRecord> deadLetters = BusFixture.readAll(bus, "orders.dlq");
                assertThat(deadLetters).extracting(ConsumedRecord::keyAsString).containsExactlyInAnyOrder("150", "220");
                Map<String, String> states = DeadLetters.sqlStatesByKey(deadLetters);
                assertThat(states).containsEntry("150", "23505").containsEntry("220", "22001");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @Test
    void exactlyOnceCopiesAndStoresOffsetsInOneTransaction() throws Exception {
        String table = TestDatabase.uniqueName("copy_eo");
        String offsets = TestDatabase.uniqueName("copy_eo_off");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = DB.pool(); Bus bus = BusFixture.open(busDir)) {
            // no key: a row written twice would show
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT, customer VARCHAR(60), total NUMERIC(40,10),"
                    + " loaded_by TEXT DEFAULT current_query())");
            try {
                BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, 250));
                JdbcSinkConfig config = new JdbcSinkConfig("orders", group, table, WriteMode.INSERT, List.of(), false,
                        Map.of(), false, true, offsets, 100, 200);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, DB.dialect(), config, bus)) {
                    JdbcSinkTaskTest.drain(task, 250);
                }
                assertThat(loadedBy(ds, table)).containsOnlyKeys("COPY");
                assertThat(count(ds, "SELECT next_offset FROM " + DB.dialect().quote(offsets)
                        + " WHERE group_id = '" + group + "'")).isEqualTo(250);

                // a COPY whose transaction fails leaves neither rows nor offsets behind
                BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(251, 300));
                TestDatabase.execute(ds, "ALTER TABLE " + table + " ADD CONSTRAINT no_299 CHECK (id <> 299)");
                String failedState = null;
                try (JdbcSinkTask failing = new JdbcSinkTask(ds, DB.dialect(), config, bus)
                        .withErrorPolicy(SinkErrorPolicy.FAIL, null)) {
                    for (int i = 0; i < 30 && failedState == null; i++) {
                        try {
                            failing.poll();
                        } catch (java.sql.SQLException expected) {
                            failedState = expected.getSQLState();
                        }
                    }
                }
                assertThat(failedState).as("the COPY of ids 251-300 hits the check on 299").isEqualTo("23514");
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(250);
                assertThat(count(ds, "SELECT next_offset FROM " + DB.dialect().quote(offsets)
                        + " WHERE group_id = '" + group + "'")).isEqualTo(250);

                // fixed table; the group's own offsets reset as if their commit was lost: the table says where to go on
                TestDatabase.execute(ds, "ALTER TABLE " + table + " DROP CONSTRAINT no_299");
                bus.admin().resetGroupOffsets(group, Set.of(new TopicPartition("orders", 0)), OffsetSpec.earliest());
                try (JdbcSinkTask restarted = new JdbcSinkTask(ds, DB.dialect(), config, bus)) {
                    JdbcSinkTaskTest.drain(restarted, 50);
                }
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(300);
                assertThat(count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(300);
                assertThat(count(ds, "SELECT next_offset FROM " + DB.dialect().quote(offsets)
                        + " WHERE group_id = '" + group + "'")).isEqualTo(300);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + DB.dialect().quote(offsets));
            }
        }
    }

    @Test
    void aViewThatRefusesCopyIsWrittenWithStatements() throws Exception {
        String table = TestDatabase.uniqueName("copy_base");
        String view = TestDatabase.uniqueName("copy_view");
        try (HikariDataSource ds = DB.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, JdbcSinkTaskTest.ordersTable(DB, table, true),
                    "CREATE VIEW " + view + " AS SELECT id, customer, total FROM " + table);
            try {
                BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, 120));
                try (JdbcSinkTask task = new JdbcSinkTask(ds, DB.dialect(),
                        JdbcSinkConfig.of("orders", TestDatabase.uniqueName("g"), view).withBatchSize(50), bus)) {
                    JdbcSinkTaskTest.drain(task, 120);
                }
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(120);
            } finally {
                TestDatabase.execute(ds, "DROP VIEW " + view, "DROP TABLE " + table);
            }
        }
    }

    /** Row count per first word of the statement that wrote the row (COPY or INSERT). */
    private static Map<String, Long> loadedBy(HikariDataSource ds, String table) throws Exception {
        Map<String, Long> by = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT upper(split_part(ltrim(loaded_by), ' ', 1)), COUNT(*) FROM " + table
                     + " GROUP BY 1")) {
            while (rs.next()) {
                by.put(rs.getString(1), rs.getLong(2));
            }
            c.rollback();
        }
        return by;
    }

    private static long count(HikariDataSource ds, String sql) throws Exception {
        return JdbcTestRows.count(ds, sql);
    }

}
