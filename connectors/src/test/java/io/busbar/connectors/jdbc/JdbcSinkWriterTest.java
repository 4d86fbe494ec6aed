package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.busbar.connectors.jdbc.JdbcTestRows.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcSinkWriterTest {

    private static ConsumedRecord record(long offset, String key, String json) {
        return new ConsumedRecord("orders", 0, offset, 0L, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8), List.of());
    }

    private static JdbcSinkWriter writer(TestDatabase db, HikariDataSource ds, JdbcSinkConfig config,
                                         SinkOffsetTable offsets) throws Exception {
        try (Connection c = ds.getConnection()) {
            if (offsets != null) {
                offsets.createIfMissing(c);
            }
            return new JdbcSinkWriter(db.dialect(), config, TableColumns.load(c, config.table()), offsets);
        }
    }

    private static void write(HikariDataSource ds, JdbcSinkWriter writer, List<ConsumedRecord> records) throws Exception {
        try (Connection c = ds.getConnection()) {
            writer.write(c, records);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void rowsRoundTripThroughJsonUnchanged(TestDatabase db) throws Exception {
        try (HikariDataSource ds = db.pool()) {
            String source = TestDatabase.uniqueName("rt_src");
            String target = TestDatabase.uniqueName("rt_dst");
            TestDatabase.execute(ds, db.allTypesTable(source), db.allTypesTable(target));
            try {
                JdbcTestRows.insertAllTypes(db, ds, source);
                List<ObjectNode> rows = JdbcTestRows.readAll(ds, source);
                List<ConsumedRecord> records = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    records.add(record(i, null, RecordJson.MAPPER.writeValueAsString(rows.get(i))));
                }
                write(ds, writer(db, ds, JdbcSinkConfig.of("orders", "g", target), null), records);

                assertThat(JdbcTestRows.readAll(ds, target)).isEqualTo(rows);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + source, "DROP TABLE " + target);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void upsertsOnTheKeyAndDeletesOnTombstones(TestDatabase db) throws Exception {
        try (HikariDataSource ds = db.pool()) {
            String table = TestDatabase.uniqueName("upsert");
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(50), total DECIMAL(12,2))");
            try {
                JdbcSinkWriter writer = writer(db, ds, JdbcSinkConfig.of("orders", "g", table).withUpsert(List.of())
                        .withDeleteOnTombstone(true), null);
                write(ds, writer, List.of(
                        record(0, "1", "{\"id\":1,\"name\":\"a\",\"total\":1.10}"),
                        record(1, "2", "{\"id\":2,\"name\":\"b\",\"total\":2.20}"),
                        record(2, "1", "{\"id\":1,\"name\":\"a2\",\"total\":3.30}"), // same key twice in one batch
                        record(3, "3", "{\"id\":3,\"name\":\"c\",\"total\":\"4.40\"}"),
                        record(4, "2", null)));
                write(ds, writer, List.of(record(5, "3", "{\"id\":3,\"name\":\"c2\",\"total\":5.50}")));

                List<ObjectNode> rows = JdbcTestRows.readAll(ds, table);
                assertThat(rows).hasSize(2);
                assertThat(field(rows.get(0), "name").textValue()).isEqualTo("a2");
                assertThat(field(rows.get(0), "total").decimalValue()).isEqualByComparingTo("3.30");
                assertThat(field(rows.get(1), "id").longValue()).isEqualTo(3);
                assertThat(field(rows.get(1), "name").textValue()).isEqualTo("c2");
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void mapsRenamedFieldsAndNamesUnknownOnes(TestDatabase db) throws Exception {
        try (HikariDataSource ds = db.pool()) {
            String table = TestDatabase.uniqueName("mapped");
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, customer VARCHAR(50))");
            try {
                JdbcSinkConfig config = JdbcSinkConfig.of("orders", "g", table)
                        .withFieldMap(JdbcSinkConfig.parseFieldMap("customerName:customer"));
                write(ds, writer(db, ds, config, null),
                        List.of(record(0, null, "{\"ID\":7,\"customerName\":\"김민수\"}")));
                assertThat(field(JdbcTestRows.readAll(ds, table).get(0), "customer").textValue()).isEqualTo("김민수");

                JdbcSinkWriter strict = writer(db, ds, JdbcSinkConfig.of("orders", "g", table), null);
                assertThatThrownBy(() -> write(ds, strict, List.of(record(1, null, "{\"id\":8,\"colour\":\"red\"}"))))
                        .isInstanceOf(RecordMappingException.class)
                        .hasMessageContaining("Field 'colour' has no column")
                        .hasMessageContaining("fieldMap=colour:<column>");

                JdbcSinkWriter lenient = writer(db, ds, JdbcSinkConfig.of("orders", "g", table).withIgnoreUnknownFields(true), null);
                write(ds, lenient, List.of(record(2, null, "{\"id\":9,\"colour\":\"red\"}")));
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(2);
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void storesOffsetsInTheSameTransactionAsTheRows(TestDatabase db) throws Exception {
        try (HikariDataSource ds = db.pool()) {
            String table = TestDatabase.uniqueName("eo");
            String offsetsTable = TestDatabase.uniqueName("eo_offsets");
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT, amount DECIMAL(40,10))");
            try {
                SinkOffsetTable offsets = new SinkOffsetTable(db.dialect(), offsetsTable);
                JdbcSinkWriter writer = writer(db, ds, JdbcSinkConfig.of("orders", "g", table).withExactlyOnce(true), offsets);
                try (Connection c = ds.getConnection()) {
                    assertThat(offsets.claim(c, "g", List.of(new TopicPartition("orders", 0)))).isEmpty();
                }
                write(ds, writer, List.of(record(10, null, "{\"id\":1,\"amount\":1}"),
                        record(11, null, "{\"id\":2,\"amount\":2}")));
                try (Connection c = ds.getConnection()) {
                    assertThat(offsets.read(c, "g", "orders")).isEqualTo(Map.of(new TopicPartition("orders", 0), 12L));
                    c.rollback();
                }

                // a bad value in the batch: neither its rows nor its offsets are committed
                assertThatThrownBy(() -> write(ds, writer, List.of(record(12, null, "{\"id\":3,\"amount\":3}"),
                        record(13, null, "{\"id\":4,\"amount\":\"not a number\"}"))))
                        .isInstanceOf(RecordMappingException.class).hasMessageMatching("(?is).*amount.*");
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(2);
                try (Connection c = ds.getConnection()) {
                    assertThat(offsets.read(c, "g", "orders")).containsEntry(new TopicPartition("orders", 0), 12L);
                    c.rollback();
                }
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + db.dialect().quote(offsetsTable));
            }
        }
    }
}
