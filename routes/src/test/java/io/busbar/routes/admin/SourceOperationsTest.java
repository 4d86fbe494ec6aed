package io.busbar.routes.admin;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.TestBackend;
import io.busbar.connectors.position.PositionStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Source positions as stored by the file and JDBC sources, read back for the API and as gauges. */
class SourceOperationsTest {

    @TempDir
    Path dir;

    @Test
    void readsFileAndJdbcPositionsWithTheFileSourcesLag() throws Exception {
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dir).build());
             PositionStore store = new PositionStore(bus)) {
            // as SourcePositions and the JDBC SourcePosition write them
            store.save("inbox", "{\"files\":{\"a.csv\":{\"size\":100,\"mtime\":1,\"position\":30,\"lines\":3,"
                    + "\"records\":2,\"complete\":false},\"b.csv\":{\"size\":50,\"mtime\":1,\"position\":50,\"lines\":5,"
                    + "\"records\":4,\"complete\":true}}}");
            store.save("customers", "{\"incrementing\":42,\"timestampMillis\":1700000000000,\"timestampNanos\":0}");

            try (SourceOperations sources = new SourceOperations(bus)) {
                List<SourceOperations.SourcePosition> list = sources.list();
                assertThat(list).extracting(SourceOperations.SourcePosition::id).containsExactly("customers", "inbox");
                SourceOperations.SourcePosition jdbc = list.get(0);
                assertThat(jdbc.kind()).isEqualTo("jdbc");
                assertThat(jdbc.incrementing()).isEqualTo(42);
                assertThat(jdbc.timestampMillis()).isEqualTo(1_700_000_000_000L);
                SourceOperations.SourcePosition file = list.get(1);
                assertThat(file.kind()).isEqualTo("file");
                assertThat(file.lagBytes()).isEqualTo(70);

                PrometheusMeterRegistry registry = PrometheusRegistries.create();
                new SourceMetrics(registry, sources).sample();
                String scrape = registry.scrape();
                assertThat(MetricsScrape.value(scrape, "busbar_source_lag_bytes{source=\"inbox\"}")).isEqualTo(70);
                assertThat(MetricsScrape.value(scrape, "busbar_source_position{source=\"customers\"}")).isEqualTo(42);
                assertThat(MetricsScrape.value(scrape, "busbar_source_position_timestamp_seconds{source=\"customers\"}"))
                        .isEqualTo(1.7e9);
                MetricsScrape.assertPassesPromtool(scrape);
            }
        }
    }
}
