package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jdbc-source and jdbc-sink kamelets, run by Camel, both talking to PostgreSQL through a loopback proxy that
 * cuts every connection mid-stream and refuses new ones for a while: both retry with backoff, resume when the
 * database is back, and every row ends up in the topic and in the target table exactly once.
 */
@Tag(TestBackend.BOTH_BACKENDS)
class JdbcDatabaseOutageTest {

    private static final int ROWS = 600;

    @TempDir
    Path busDir;

    @Test
    void sourceAndSinkResumeAfterTheDatabaseIsUnreachableMidStream() throws Exception {
        TestDatabase db = TestDatabase.POSTGRESQL;
        String orders = TestDatabase.uniqueName("outage_orders");
        String report = TestDatabase.uniqueName("outage_report");
        String offsets = TestDatabase.uniqueName("outage_offsets");
        String topic = TestDatabase.uniqueName("orders");
        try (HikariDataSource direct = db.pool(); LoopbackTcpProxy proxy = new LoopbackTcpProxy("127.0.0.1", 5432);
             Bus bus = BusFixture.open(busDir)) {
            TestDatabase.execute(direct, "CREATE TABLE " + orders + " (id BIGINT PRIMARY KEY, customer VARCHAR(50))",
                    "CREATE TABLE " + report + " (id BIGINT, customer VARCHAR(50))"); // no key: duplicates would show
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test";
            CamelContext camel = new DefaultCamelContext();
            try {
                camel.getRegistry().bind("bus", bus);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("kamelet:jdbc-source?jdbcUrl=RAW(" + url + ")&username=postgres&connectorId=" + orders
                                + "&topic=" + topic + "&table=" + orders + "&incrementingColumn=id&pollIntervalMs=50&batchSize=40")
                                .routeId("source").to("log:jdbc-source?level=DEBUG");
                        from("kamelet:jdbc-sink?jdbcUrl=RAW(" + url + ")&username=postgres&topic=" + topic + "&groupId=" + report
                                + "&table=" + report + "&exactlyOnce=true&offsetsTable=" + offsets + "&batchSize=40&pollTimeoutMs=100")
                                .routeId("sink").to("log:jdbc-sink?level=DEBUG");
                    }
                });
                camel.start();

                AtomicBoolean writing = new AtomicBoolean(true);
                Thread writer = new Thread(() -> insertSlowly(direct, orders, writing), "orders-writer");
                writer.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> count(direct, report) >= 100);

                proxy.down(); // every connection of both connectors is cut mid-stream
                await().atMost(Duration.ofSeconds(60)).until(() -> proxy.refusedConnections() >= 3);
                long duringOutage = count(direct, report);
                proxy.up();

                writer.join(60_000);
                assertThat(writing.get()).as("the writer finished").isFalse();
                await().atMost(Duration.ofSeconds(90)).until(() -> count(direct, report) >= ROWS);
                assertThat(duringOutage).isLessThan(ROWS);
                assertThat(count(direct, report)).isEqualTo(ROWS);
                assertThat(JdbcTestRows.count(direct, "SELECT COUNT(DISTINCT id) FROM " + report)).isEqualTo(ROWS);
                List<ConsumedRecord> published = BusFixture.readAll(bus, topic);
                assertThat(published).hasSize(ROWS);
                assertThat(published.stream().map(ConsumedRecord::keyAsString).distinct().count()).isEqualTo(ROWS);
            } finally {
                camel.close();
                TestDatabase.execute(direct, "DROP TABLE " + orders, "DROP TABLE " + report,
                        "DROP TABLE IF EXISTS \"" + offsets + "\"");
            }
        }
    }

    private static long count(HikariDataSource ds, String table) throws Exception {
        return JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table);
    }

    /** Inserts the rows a few at a time over about three seconds, straight to PostgreSQL (not through the proxy). */
    private static void insertSlowly(HikariDataSource ds, String table, AtomicBoolean writing) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, customer) VALUES (?, ?)")) {
            for (int id = 1; id <= ROWS; id++) {
                ps.setLong(1, id);
                ps.setString(2, "고객 " + id);
                ps.executeUpdate();
                if (id % 5 == 0) {
                    c.commit();
                    Thread.sleep(25);
                }
            }
            c.commit();
            writing.set(false);
        } catch (Exception e) {
            throw new IllegalStateException("writer failed", e);
        }
    }
}
