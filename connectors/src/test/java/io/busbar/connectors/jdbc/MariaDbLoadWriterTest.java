package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicPartition;
import io.busbar.connectors.sink.SinkErrorPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MariaDB sink's LOAD DATA path on the real server: hostile values come back exactly as the statement path writes
 * them; a bad record (which LOAD DATA LOCAL would only warn about, skipping or truncating it) sends the batch to
 * statements, where it is dead-lettered alone; exactly-once keeps the load and the offsets row in one transaction; a
 * connection that may not use LOCAL INFILE falls back to statements. The server's {@code Com_load} counter tells
 * whether a LOAD DATA ran.
 */
class MariaDbLoadWriterTest {

    private static final TestDatabase DB = TestDatabase.MARIADB;
    private static final String COLUMNS = "id, text_v, vc_v, dec_v, dbl_v, int_v, bool_v, date_v, time_v, ts_v, json_v";

    @TempDir
    Path busDir;

    @BeforeEach
    void needsMariaDb() {
        DB.assumeAvailable();
    }

    private static String hostileTable(String name) {
        return "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, text_v TEXT, vc_v VARCHAR(100), dec_v DECIMAL(40,10),"
                + " dbl_v DOUBLE, int_v INT, bool_v BOOLEAN, date_v DATE, time_v TIME(6), ts_v DATETIME(6), json_v JSON)"
                + " DEFAULT CHARSET=utf8mb4";
    }

    /** The PostgreSQL list plus a NUL byte, which MariaDB stores in text. */
    private static final List<String> HOSTILE = new ArrayList<>(PostgresCopyWriterTest.HOSTILE);

    static {
        HOSTILE.add("nul\u0000byte");
    }

    private static List<BusRecord> hostileRecords() {
        List<BusRecord> records = new ArrayList<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            ObjectNode v = RecordJson.NODES.objectNode();
            v.put("id", i + 1);
            v.put("text_v", HOSTILE.get(i));
            v.put("vc_v", HOSTILE.get(HOSTILE.size() - 1 - i));
            v.put("dec_v", i % 2 == 0 ? "123456789012345678.1234567890" : "-999999999999999999999999999999.9999999999");
            v.put("dbl_v", Double.toString(i * 1.0e-7));
            v.put("int_v", i % 3 == 0 ? "" : Integer.toString(-i));
            if (i % 4 == 3) {
                v.put("bool_v", "yes");
            } else {
                v.put("bool_v", i % 2 == 0);
            }
            v.put("date_v", "2026-02-" + (10 + i));
            v.put("time_v", i % 2 == 0 ? "23:59:59.999999" : "00:00");
            v.put("ts_v", i % 2 == 0 ? "2026-11-02T01:01:00+09:00" : "2026-11-02T01:01:00.5");
            v.set("json_v", RecordJson.NODES.objectNode().put("s", HOSTILE.get(i)));
            if (i == 4) {
                v.putNull("text_v");
                v.putNull("dec_v");
                v.putNull("ts_v");
            }
            records.add(BusRecord.of(Long.toString(i + 1), v.toString()));
        }
        return records;
    }

    @Test
    void hostileValuesComeBackAsTheStatementPathWritesThem() throws Exception {
        String loaded = TestDatabase.uniqueName("load_hostile");
        String inserted = TestDatabase.uniqueName("stmt_hostile");
        List<BusRecord> input = hostileRecords();
        try (HikariDataSource ds = DB.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, hostileTable(loaded), hostileTable(inserted));
            try {
                BusFixture.produceAll(bus, "hostile", input);
                long loadsBefore = loads(ds);
                // insert mode loads with LOAD DATA; upsert mode uses statements: the reference for every value
                try (JdbcSinkTask load = new JdbcSinkTask(ds, DB.dialect(), JdbcSinkConfig.of("hostile",
                        TestDatabase.uniqueName("g"), loaded), bus)) {
                    JdbcSinkTaskTest.drain(load, input.size());
                }
                assertThat(loads(ds) - loadsBefore).as("LOAD DATA statements").isEqualTo(1);
                try (JdbcSinkTask statements = new JdbcSinkTask(ds, DB.dialect(), JdbcSinkConfig.of("hostile",
                        TestDatabase.uniqueName("g"), inserted).withUpsert(List.of()), bus)) {
                    JdbcSinkTaskTest.drain(statements, input.size());
                }
                assertThat(loads(ds) - loadsBefore).as("upserts use statements").isEqualTo(1);

                Map<Long, List<Object>> byLoad = rows(ds, loaded);
                assertThat(byLoad).hasSize(HOSTILE.size()).isEqualTo(rows(ds, inserted));
                assertThat(byLoad.get(1L).get(0)).isEqualTo("he said \"hi\", then left");
                assertThat(byLoad.get(4L).get(0)).isEqualTo("\\N");
                assertThat(byLoad.get(5L).get(0)).as("JSON null is NULL, not the text \\N").isNull();
                assertThat(byLoad.get(1L).get(4)).as("empty text into INT is NULL").isNull();
                assertThat(byLoad.get((long) HOSTILE.size()).get(0)).isEqualTo("nul\u0000byte");
                assertThat(byLoad.get(1L).get(8)).as("zoned into DATETIME: UTC").hasToString("2026-11-01 16:01:00.0");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + loaded, "DROP TABLE " + inserted);
            }
        }
    }

    @Test
    void aBadRecordInALoadIsDeadLetteredAloneAndTheRestIsWritten() throws Exception {
        String table = TestDatabase.uniqueName("load_bad");
        List<BusRecord> input = new ArrayList<>();
        for (int id = 1; id <= 300; id++) {
            int key = id == 150 ? 10 : id; // 150 repeats key 10: LOAD DATA LOCAL would skip it with a warning
            String name = id == 220 ? "far too long for ten" : "n" + id; // LOAD DATA LOCAL would truncate it
            String qty = id == 260 ? "\"many\"" : Integer.toString(id); // LOAD DATA LOCAL would store 0
            input.add(BusRecord.of(Integer.toString(id), "{\"id\":" + key + ",\"name\":\"" + name + "\",\"qty\":" + qty + "}"));
        }
        try (HikariDataSource ds = DB.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(10) NOT NULL, qty INT)");
            try {
                BusFixture.produceAll(bus, "orders", input);
                JdbcSinkConfig config = JdbcSinkConfig.of("orders", TestDatabase.uniqueName("g"), table).withBatchSize(300);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, DB.dialect(), config, bus)
                        .withErrorPolicy(SinkErrorPolicy.DEAD_LETTER, null)) {
                    JdbcSinkTaskTest.drain(task, 300);
                    // the next clean batch goes by LOAD DATA again
                    List<BusRecord> more = new ArrayList<>();
                    for (int id = 301; id <= 400; id++) {
                        more.add(BusRecord.of(Integer.toString(id), "{\"id\":" + id + ",\"name\":\"n" + id + "\",\"qty\":1}"));
                    }
                    BusFixture.produceAll(bus, "orders", more);
                    long loadsBefore = loads(ds);
                    JdbcSinkTaskTest.drain(task, 100);
                    assertThat(loads(ds) - loadsBefore).as("clean batches load with LOAD DATA").isEqualTo(1);
                }
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(397);
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table + " WHERE id IN (150, 220, 260)")).isZero();
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table + " WHERE id = 10 AND name = 'n10'")).isEqualTo(1);
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table + " WHERE qty = 0")).as("nothing zeroed").isZero();

                List<ConsumedRecord> deadLetters = BusFixture.readAll(bus, "orders.dlq");
                assertThat(deadLetters).extracting(ConsumedRecord::keyAsString).containsExactlyInAnyOrder("150", "220", "260");
                Map<String, String> states = DeadLetters.sqlStatesByKey(deadLetters);
                assertThat(states.get("150")).startsWith("23");
                assertThat(states.get("220")).startsWith("22");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @Test
    void exactlyOnceLoadsAndStoresOffsetsInOneTransaction() throws Exception {
        String table = TestDatabase.uniqueName("load_eo");
        String offsets = TestDatabase.uniqueName("load_eo_off");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = DB.pool(); Bus bus = BusFixture.open(busDir)) {
            // no key: a row written twice would show
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT, customer VARCHAR(60), total DECIMAL(40,10))"
                    + " DEFAULT CHARSET=utf8mb4");
            try {
                BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, 250));
                JdbcSinkConfig config = new JdbcSinkConfig("orders", group, table, WriteMode.INSERT, List.of(), false,
                        Map.of(), false, true, offsets, 100, 200);
                long loadsBefore = loads(ds);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, DB.dialect(), config, bus)) {
                    JdbcSinkTaskTest.drain(task, 250);
                }
                assertThat(loads(ds) - loadsBefore).isGreaterThanOrEqualTo(3);
                assertThat(nextOffset(ds, offsets, group)).isEqualTo(250);

                // a load whose transaction fails leaves neither rows nor offsets behind
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
                assertThat(failedState).as("ids 251-300 hit the check on 299").startsWith("23");
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(250);
                assertThat(nextOffset(ds, offsets, group)).isEqualTo(250);

                // fixed table; the group's own offsets reset as if their commit was lost: the table says where to go on
                TestDatabase.execute(ds, "ALTER TABLE " + table + " DROP CONSTRAINT no_299");
                bus.admin().resetGroupOffsets(group, Set.of(new TopicPartition("orders", 0)), OffsetSpec.earliest());
                try (JdbcSinkTask restarted = new JdbcSinkTask(ds, DB.dialect(), config, bus)) {
                    JdbcSinkTaskTest.drain(restarted, 50);
                }
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(300);
                assertThat(count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(300);
                assertThat(nextOffset(ds, offsets, group)).isEqualTo(300);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + DB.dialect().quote(offsets));
            }
        }
    }

    @Test
    void aConnectionWithoutLocalInfileIsWrittenWithStatements() throws Exception {
        String table = TestDatabase.uniqueName("load_refused");
        HikariConfig refusing = new HikariConfig();
        refusing.setJdbcUrl(DB.url);
        refusing.setUsername(DB.user);
        refusing.setAutoCommit(false);
        refusing.setMaximumPoolSize(2);
        refusing.addDataSourceProperty("allowLocalInfile", "false");
        try (HikariDataSource ds = new HikariDataSource(refusing); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, JdbcSinkTaskTest.ordersTable(DB, table, true));
            try {
                BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, 120));
                try (JdbcSinkTask task = new JdbcSinkTask(ds, DB.dialect(),
                        JdbcSinkConfig.of("orders", TestDatabase.uniqueName("g"), table).withBatchSize(50), bus)) {
                    JdbcSinkTaskTest.drain(task, 120);
                }
                assertThat(count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(120);
                assertThat(count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(120);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @Test
    void refusalsOfLocalInfileAreToldFromDataErrors() {
        // the server with local_infile=OFF (1148, or 4166 on newer servers), the driver without allowLocalInfile
        assertThat(MariaDbLoadWriter.refusesLoadData(new java.sql.SQLException("The used command is not allowed"
                + " because the MariaDB server or client has disabled the local infile capability", "42000", 1148))).isTrue();
        assertThat(MariaDbLoadWriter.refusesLoadData(new java.sql.SQLException("Loading local data is disabled", "42000", 4166)))
                .isTrue();
        assertThat(MariaDbLoadWriter.refusesLoadData(new java.sql.SQLException("Local infile is disabled by connector."
                + " Enable `allowLocalInfile` to allow local infile commands", "HY000"))).isTrue();
        assertThat(MariaDbLoadWriter.refusesLoadData(new java.sql.SQLException("Duplicate entry '1' for key 'PRIMARY'",
                "23000", 1062))).isFalse();
        assertThat(MariaDbLoadWriter.refusesLoadData(new java.sql.SQLException("Connection refused", "08000"))).isFalse();
    }

    /** LOAD DATA statements the server has run (all sessions). */
    private static long loads(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_load'")) {
            rs.next();
            long n = rs.getLong(2);
            c.rollback();
            return n;
        }
    }

    /** Rows by id: every column after id, as the driver returns it. */
    private static Map<Long, List<Object>> rows(HikariDataSource ds, String table) throws Exception {
        Map<Long, List<Object>> rows = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 2; i <= md.getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                rows.put(rs.getLong(1), row);
            }
            c.rollback();
        }
        return rows;
    }

    private static long nextOffset(HikariDataSource ds, String offsets, String group) throws Exception {
        return count(ds, "SELECT next_offset FROM " + DB.dialect().quote(offsets) + " WHERE group_id = '" + group + "'");
    }

    private static long count(HikariDataSource ds, String sql) throws Exception {
        return JdbcTestRows.count(ds, sql);
    }

}
