package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Zombie writers of the exactly-once sink: member A owned partition 0, lost it in a rebalance it has not seen yet,
 * and member B claimed it. A's next batch, whether it started before or after B's claim, is refused and rolled back
 * with its rows; B's offsets stand and B writes on from them. On H2, PostgreSQL and MariaDB.
 */
class ExactlyOnceFencingTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);

    private static List<ConsumedRecord> records(long from, long to) {
        return LongStream.range(from, to).mapToObj(o -> new ConsumedRecord("orders", 0, o, 0L, null,
                ("{\"id\":" + o + "}").getBytes(StandardCharsets.UTF_8), List.of())).toList();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aFormerOwnerCannotWriteAfterAnotherMemberClaimedThePartition(TestDatabase db) throws Exception {
        try (HikariDataSource ds = db.pool()) {
            String table = TestDatabase.uniqueName("fence");
            String offsetsTable = TestDatabase.uniqueName("fence_off");
            TestDatabase.execute(ds, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY)");
            try {
                JdbcSinkConfig config = JdbcSinkConfig.of("orders", "g", table).withExactlyOnce(true);
                SinkOffsetTable offsetsA = new SinkOffsetTable(db.dialect(), offsetsTable);
                SinkOffsetTable offsetsB = new SinkOffsetTable(db.dialect(), offsetsTable);
                JdbcSinkWriter a;
                JdbcSinkWriter b;
                try (Connection c = ds.getConnection()) {
                    offsetsA.createIfMissing(c);
                    TableColumns columns = TableColumns.load(c, table);
                    a = new JdbcSinkWriter(db.dialect(), config, columns, offsetsA);
                    b = new JdbcSinkWriter(db.dialect(), config, columns, offsetsB);
                    assertThat(offsetsA.claim(c, "g", List.of(P0))).isEmpty();
                }
                try (Connection c = ds.getConnection()) {
                    a.write(c, records(0, 10));
                }

                // the rebalance: B claims partition 0 and resumes where A's last commit left it
                try (Connection c = ds.getConnection()) {
                    assertThat(offsetsB.claim(c, "g", List.of(P0))).isEqualTo(Map.of(P0, 10L));
                }
                // A, a zombie, writes its next batch: refused, rows rolled back
                try (Connection c = ds.getConnection()) {
                    assertThatThrownBy(() -> a.write(c, records(10, 20)))
                            .isInstanceOf(FencedSinkWriterException.class).hasMessageContaining("orders-0");
                }
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(10);
                try (Connection c = ds.getConnection()) {
                    b.write(c, records(10, 20));
                }

                // A's transaction already open (rows inserted) when B claims again: refused at its offset write
                try (Connection zombie = ds.getConnection()) {
                    try (Statement st = zombie.createStatement()) {
                        st.executeUpdate("INSERT INTO " + table + " (id) VALUES (1000)");
                    }
                    try (Connection c = ds.getConnection()) {
                        assertThat(offsetsB.claim(c, "g", List.of(P0))).isEqualTo(Map.of(P0, 20L));
                    }
                    assertThatThrownBy(() -> a.write(zombie, records(20, 30)))
                            .isInstanceOf(FencedSinkWriterException.class);
                }
                try (Connection c = ds.getConnection()) {
                    b.write(c, records(20, 30));
                    assertThat(offsetsB.read(c, "g", "orders")).isEqualTo(Map.of(P0, 30L));
                    c.rollback();
                }
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).as("each record once, none of A's"
                        + " refused rows").isEqualTo(30);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table + " WHERE id = 1000")).isZero();
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table, "DROP TABLE " + db.dialect().quote(offsetsTable));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anOffsetsTableFromBeforeFencingGetsItsEpochColumn(TestDatabase db) throws Exception {
        try (HikariDataSource ds = db.pool()) {
            String offsetsTable = TestDatabase.uniqueName("old_off");
            JdbcDialect d = db.dialect();
            TestDatabase.execute(ds, "CREATE TABLE " + d.quote(offsetsTable) + " (" + d.quote("group_id")
                    + " VARCHAR(255) NOT NULL, " + d.quote("topic") + " VARCHAR(255) NOT NULL, " + d.quote("partition_id")
                    + " INT NOT NULL, " + d.quote("next_offset") + " BIGINT NOT NULL, PRIMARY KEY (" + d.quote("group_id")
                    + ", " + d.quote("topic") + ", " + d.quote("partition_id") + "))",
                    "INSERT INTO " + d.quote(offsetsTable) + " VALUES ('g', 'orders', 0, 42)");
            try {
                SinkOffsetTable offsets = new SinkOffsetTable(d, offsetsTable);
                try (Connection c = ds.getConnection()) {
                    offsets.createIfMissing(c);
                    assertThat(offsets.claim(c, "g", List.of(P0))).isEqualTo(Map.of(P0, 42L));
                }
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + d.quote(offsetsTable));
            }
        }
    }
}
