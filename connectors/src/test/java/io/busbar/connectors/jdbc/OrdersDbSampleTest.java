package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the samples/orders-db pipelines (the YAML files loaded by Camel's YAML DSL, only their data and script
 * paths pointed at a temporary directory) on a real embedded bus and two H2 file databases: the shop's orders reach order_report, and an update and
 * a new order follow.
 */
@Tag(TestBackend.BOTH_BACKENDS)
class OrdersDbSampleTest {

    private static final Path SAMPLE = Path.of("../samples/orders-db").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void ordersFlowFromTheShopDatabaseToTheReportTable() throws Exception {
        assertThat(SAMPLE.resolve("README.md")).exists();
        String shopUrl = "jdbc:h2:file:" + dir.resolve("shop") + ";WRITE_DELAY=0";
        String reportingUrl = "jdbc:h2:file:" + dir.resolve("reporting") + ";WRITE_DELAY=0";
        try (Bus bus = BusFixture.open(dir.resolve("bus")); CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            // the pipelines as they are, with the two database URLs of busbar.properties pointed at this test's directory
            java.util.Properties urls = new java.util.Properties();
            urls.setProperty("app.shop.jdbc.url", shopUrl + ";INIT=RUNSCRIPT FROM '" + SAMPLE.resolve("shop.sql") + "'");
            urls.setProperty("app.reporting.jdbc.url", reportingUrl + ";INIT=RUNSCRIPT FROM '" + SAMPLE.resolve("reporting.sql") + "'");
            camel.getPropertiesComponent().setInitialProperties(urls);
            for (String file : new String[] {"orders-source.yaml", "order-report.yaml"}) {
                PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(file, Files.readString(SAMPLE.resolve(file))));
            }
            camel.start();
            try (HikariDataSource shop = ConnectionPools.create("shop", shopUrl, "sa", "", 1);
                 HikariDataSource reporting = ConnectionPools.create("reporting", reportingUrl, "sa", "", 1)) {
                // the tables appear once the connectors' first connections ran the scripts
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> JdbcTestRows.count(reporting, "SELECT COUNT(*) FROM order_report") == 4);
                assertThat(JdbcTestRows.count(reporting, "SELECT COUNT(*) FROM order_report WHERE order_id = 2"
                        + " AND customer_name = '김민수' AND total = 89.99 AND status = 'new'")).isEqualTo(1);

                TestDatabase.execute(shop,
                        "UPDATE orders SET status = 'shipped', updated_at = CURRENT_TIMESTAMP WHERE id = 1",
                        "INSERT INTO orders VALUES (5, 'Alan Turing', 42.00, 'new', CURRENT_TIMESTAMP)");
                await().atMost(Duration.ofSeconds(60)).until(() -> JdbcTestRows.count(reporting,
                        "SELECT COUNT(*) FROM order_report WHERE (order_id = 1 AND status = 'shipped') OR order_id = 5") == 2);
                assertThat(JdbcTestRows.count(reporting, "SELECT COUNT(*) FROM order_report")).isEqualTo(5);
            }
        }
    }
}
