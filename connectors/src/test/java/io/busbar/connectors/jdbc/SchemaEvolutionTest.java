package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.connectors.bus.BusConstants;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schemaless JSON → SQL on H2, PostgreSQL and MariaDB: the sink creates the table from the first batch (types
 * inferred and widened over it, keyColumns as the primary key), adds nullable columns for fields that appear later,
 * never changes a column (a value that no longer fits is dead-lettered); and the type mapping options decide empty
 * strings, numbers and booleans given as text, and the zone of zoned timestamps.
 */
class SchemaEvolutionTest {

    @TempDir
    Path busDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void createsTheTableFromTheRecordsThenAddsColumnsForNewFields(TestDatabase db) throws Exception {
        db.assumeAvailable();
        String table = TestDatabase.uniqueName("auto");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            try {
                BusFixture.produceAll(bus, "events", List.of(
                        record(1, "{\"id\":1,\"amount\":10,\"paid\":true,\"created_at\":\"2026-11-02T01:01:00Z\",\"name\":\"first\",\"meta\":{\"a\":[1,2]}}"),
                        record(2, "{\"id\":2,\"amount\":10.5,\"paid\":false,\"created_at\":\"2026-11-02T01:01:00\",\"name\":\"\",\"meta\":null}"),
                        record(3, "{\"id\":3,\"amount\":null,\"paid\":null,\"created_at\":\"\",\"name\":\"third\",\"day\":\"2026-11-25\"}")));
                JdbcSinkConfig config = JdbcSinkConfig.of("events", group, table).withUpsert(List.of("id"));
                SchemaEvolution evolution = new SchemaEvolution(table, true, true, List.of("id"), Map.of(), true);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, db.dialect(), config, bus).withSchemaEvolution(evolution)) {
                    JdbcSinkTaskTest.drain(task, 3);

                    TableColumns created = columns(ds, table);
                    assertThat(created.primaryKey()).containsExactly(DdlGenerator.storedName(db.dialect(), "id"));
                    assertThat(type(created, "id")).isEqualTo(Types.BIGINT);
                    assertThat(type(created, "amount")).as("10 and 10.5 widen to an exact decimal").isIn(Types.NUMERIC, Types.DECIMAL);
                    assertThat(type(created, "paid")).isIn(Types.BOOLEAN, Types.BIT);
                    assertThat(type(created, "created_at")).as("local and zoned: a timestamp without zone").isEqualTo(Types.TIMESTAMP);
                    assertThat(type(created, "day")).isEqualTo(Types.DATE);
                    assertThat(isText(type(created, "name"))).isTrue();
                    assertThat(isText(type(created, "meta"))).isTrue();

                    Map<Long, List<String>> rows = rows(ds, "SELECT id, amount, paid, created_at, name, meta FROM " + table);
                    assertThat(rows.get(1L)).containsExactly("10", "true", "2026-11-02T01:01", "first", "{\"a\":[1,2]}");
                    assertThat(rows.get(2L)).containsExactly("10.5", "false", "2026-11-02T01:01", "", null);
                    assertThat(rows.get(3L)).containsExactly(null, null, null, "third", null);

                    // a later batch brings two new fields, and a value the (unchanged) amount column cannot take
                    BusFixture.produceAll(bus, "events", List.of(
                            record(4, "{\"id\":4,\"amount\":\"7\",\"note\":\"new field\",\"qty\":3}"),
                            record(5, "{\"id\":5,\"amount\":\"lots\",\"name\":\"x\"}")));
                    JdbcSinkTaskTest.drain(task, 2);
                }
                TableColumns evolved = columns(ds, table);
                assertThat(isText(type(evolved, "note"))).isTrue();
                assertThat(type(evolved, "qty")).isEqualTo(Types.BIGINT);
                assertThat(type(evolved, "amount")).as("never rewritten").isIn(Types.NUMERIC, Types.DECIMAL);
                Map<Long, List<String>> rows = rows(ds, "SELECT id, amount, note, qty FROM " + table);
                assertThat(rows.keySet()).containsExactly(1L, 2L, 3L, 4L);
                assertThat(rows.get(1L)).as("older rows have NULL in new columns").containsExactly("10", null, null);
                assertThat(rows.get(4L)).containsExactly("7", "new field", "3");
                List<ConsumedRecord> dead = BusFixture.readAll(bus, "events.dlq");
                assertThat(dead).extracting(ConsumedRecord::keyAsString).containsExactly("5");
                assertThat(DeadLetters.header(dead.get(0), BusConstants.DLQ_REASON)).containsIgnoringCase("amount").contains("lots");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE IF EXISTS " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void typeMappingDecidesEmptyStringsTextNumbersAndBooleansAndTheTimestampZone(TestDatabase db) throws Exception {
        db.assumeAvailable();
        String table = TestDatabase.uniqueName("typed");
        String group = TestDatabase.uniqueName("g");
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, qty INTEGER, paid BOOLEAN,"
                    + " at_local " + (db == TestDatabase.MARIADB ? "DATETIME" : "TIMESTAMP") + " NULL)");
            try {
                BusFixture.produceAll(bus, "typed", List.of(
                        record(1, "{\"id\":1,\"qty\":\"42\",\"paid\":\"yes\",\"at_local\":\"2026-11-02T01:01:00Z\"}"),
                        record(2, "{\"id\":2,\"qty\":\" 7 \",\"paid\":\"FALSE\",\"at_local\":\"2026-11-02T01:01:00\"}"),
                        record(3, "{\"id\":3,\"qty\":\"\",\"paid\":true}"),
                        record(4, "{\"id\":4,\"qty\":\"1\",\"paid\":\"maybe\"}"),
                        record(5, "{\"id\":5,\"qty\":\"4.0\",\"paid\":1}"),
                        record(6, "{\"id\":6,\"qty\":\"4.5\",\"paid\":\"0\"}")));
                TypeMapping mapping = new TypeMapping(false, ZoneId.of("+09:00"), db == TestDatabase.POSTGRESQL);
                try (JdbcSinkTask task = new JdbcSinkTask(ds, db.dialect(), JdbcSinkConfig.of("typed", group, table), bus)
                        .withTypeMapping(mapping)) {
                    JdbcSinkTaskTest.drain(task, 6);
                }
                Map<Long, List<String>> rows = rows(ds, "SELECT id, qty, paid, at_local FROM " + table);
                assertThat(rows.keySet()).containsExactly(1L, 2L, 5L);
                assertThat(rows.get(1L)).as("Z stored in the +09:00 zone").containsExactly("42", "true", "2026-11-02T10:01");
                assertThat(rows.get(2L)).containsExactly("7", "false", "2026-11-02T01:01");
                assertThat(rows.get(5L)).containsExactly("4", "true", null);
                List<ConsumedRecord> dead = BusFixture.readAll(bus, "typed.dlq");
                assertThat(dead).extracting(ConsumedRecord::keyAsString).containsExactlyInAnyOrder("3", "4", "6");
                assertThat(DeadLetters.header(find(dead, "3"), BusConstants.DLQ_REASON)).as("emptyStringAsNull=false refuses it")
                        .containsIgnoringCase("qty");
                assertThat(DeadLetters.header(find(dead, "4"), BusConstants.DLQ_REASON)).containsIgnoringCase("paid").contains("maybe");
                assertThat(DeadLetters.header(find(dead, "6"), BusConstants.DLQ_REASON)).containsIgnoringCase("qty").contains("4.5");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void upsertIntoATableTheSinkCreatesNeedsKeyColumnsBeforeAnythingIsCreated() throws Exception {
        try (HikariDataSource ds = TestDatabase.H2.pool(); Bus bus = BusFixture.open(busDir)) {
            JdbcSinkConfig config = JdbcSinkConfig.of("events", "g", "nokey").withUpsert(List.of());
            SchemaEvolution evolution = new SchemaEvolution("nokey", true, true, List.of(), Map.of(), true);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JdbcSinkTask(ds, JdbcDialect.H2, config, bus)
                    .withSchemaEvolution(evolution)).isInstanceOf(JdbcConfigException.class).hasMessageContaining("keyColumns=id");
        }
    }

    static BusRecord record(long key, String json) {
        return BusRecord.of(Long.toString(key), json);
    }

    static TableColumns columns(HikariDataSource ds, String table) throws Exception {
        try (Connection c = ds.getConnection()) {
            TableColumns columns = TableColumns.load(c, table);
            c.rollback();
            return columns;
        }
    }

    static int type(TableColumns table, String column) {
        return table.column(column).orElseThrow(() -> new AssertionError("no column " + column + " in " + table.names())).sqlType();
    }

    static boolean isText(int sqlType) {
        return sqlType == Types.VARCHAR || sqlType == Types.LONGVARCHAR || sqlType == Types.CLOB;
    }

    private static ConsumedRecord find(List<ConsumedRecord> records, String key) {
        return records.stream().filter(r -> key.equals(r.keyAsString())).findFirst().orElseThrow();
    }


    private static String text(Object v) throws java.sql.SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime().withNano(0).toString();
        }
        if (v instanceof java.time.LocalDateTime t) {
            return t.withNano(0).toString();
        }
        if (v instanceof java.sql.Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        return v.toString();
    }

    /** First column (the id) → the other columns as text: decimals stripped of trailing zeros, timestamps to the minute. */
    static Map<Long, List<String>> rows(HikariDataSource ds, String sql) throws Exception {
        Map<Long, List<String>> rows = new TreeMap<>();
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 2; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(text(v));
                }
                rows.put(rs.getLong(1), row);
            }
            c.rollback();
        }
        return rows;
    }
}
