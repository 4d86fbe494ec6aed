package io.busbar.routes.admin;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TestBackend;
import io.busbar.bus.TopicPartition;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bus's meters against a real embedded bus: monotonic counters, Prometheus names, internal groups left out. */
class BusMetricsTest {

    @TempDir
    Path dir;

    private Bus bus;
    private PrometheusMeterRegistry registry;
    private BusMetrics metrics;

    @BeforeEach
    void open() {
        bus = TestBackend.current().open(BusConfig.builder(dir).build());
        registry = PrometheusRegistries.create();
        registry.getPrometheusRegistry().register(new FsyncCollector(bus.fsyncStats().orElseThrow()));
        metrics = new BusMetrics(bus.admin(), registry, dir, new PipelineEvents(registry), new MetricsHistory());
        bus.admin().createTopic("metered", 2, Map.of());
        for (int i = 0; i < 10; i++) {
            bus.producer().send("metered", BusRecord.of("k" + i, "value-" + i).withPartition(i % 2)).join();
        }
    }

    @AfterEach
    void close() throws Exception {
        registry.close();
        bus.close();
    }

    @Test
    void recordsOutNeverGoesDownWhenAGroupIsResetBackwards() {
        commit("printer", 4, 3);
        metrics.sample();
        assertThat(value("busbar_topic_records_out_total{topic=\"metered\"}")).isEqualTo(7);

        commit("printer", 0, 0); // an offset reset to the beginning
        metrics.sample();
        assertThat(value("busbar_topic_records_out_total{topic=\"metered\"}")).isEqualTo(7);

        commit("printer", 2, 0); // records consumed again count again
        metrics.sample();
        assertThat(value("busbar_topic_records_out_total{topic=\"metered\"}")).isEqualTo(9);
        assertThat(value("busbar_topic_records_in_total{topic=\"metered\"}")).isEqualTo(10);
    }

    @Test
    void bytesInAreWholeBytesNamedWithTheirUnitOnce() {
        metrics.sample();
        String scrape = registry.scrape();
        double bytesIn = value("busbar_topic_in_bytes_total{topic=\"metered\"}");
        assertThat(bytesIn).isPositive().isEqualTo(Math.rint(bytesIn));
        assertThat(scrape).doesNotContain("bytes_in_bytes", "busbar_topic_bytes_out");
    }

    @Test
    void theDeadLetterReplayGroupIsNotReportedAsAConsumer() {
        commit(DeadLetterOperations.REPLAY_GROUP, 5, 5);
        commit("printer", 1, 1);
        metrics.sample();
        String scrape = registry.scrape();
        assertThat(scrape).contains("busbar_group_lag{group=\"printer\"")
                .doesNotContain(DeadLetterOperations.REPLAY_GROUP);
        assertThat(value("busbar_topic_records_out_total{topic=\"metered\"}")).isEqualTo(2);
    }

    @Test
    void fsyncLatencyIsAHistogramOfTheLogsFsyncRounds() {
        double rounds = value("busbar_log_fsync_seconds_count");
        assertThat(rounds).isGreaterThanOrEqualTo(10); // durability FSYNC: one round per acknowledged send at least
        assertThat(value("busbar_log_fsync_seconds_bucket{le=\"+Inf\"}")).isEqualTo(rounds);
        assertThat(value("busbar_log_fsync_seconds_sum")).isPositive();
        assertThat(registry.scrape()).contains("# TYPE busbar_log_fsync_seconds histogram");
    }

    @Test
    void acknowledgedAppendsCountEveryAcknowledgedSendOnceAcrossTheFsyncRounds() {
        double acknowledged = value("busbar_log_fsync_acknowledged_appends_total");
        assertThat(acknowledged).isGreaterThanOrEqualTo(10); // the ten sends of the set-up, one after the other
        double rounds = value("busbar_log_fsync_seconds_count");
        bus.producer().send("metered", BusRecord.of("k", "one more").withPartition(0)).join();
        assertThat(value("busbar_log_fsync_acknowledged_appends_total")).isEqualTo(acknowledged + 1);
        assertThat(value("busbar_log_fsync_seconds_count")).isGreaterThanOrEqualTo(rounds + 1);
    }

    @Test
    void theScrapePassesPromtool() throws Exception {
        commit("printer", 3, 2);
        metrics.sample();
        MetricsScrape.assertPassesPromtool(registry.scrape());
    }

    private void commit(String group, long partition0, long partition1) {
        TopicPartition first = new TopicPartition("metered", 0);
        TopicPartition second = new TopicPartition("metered", 1);
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.group(group))) {
            consumer.assign(List.of(first, second));
            consumer.commitSync(Map.of(first, new CommittedOffset(partition0), second, new CommittedOffset(partition1)));
        }
    }

    private double value(String series) {
        return MetricsScrape.value(registry.scrape(), series);
    }
}
