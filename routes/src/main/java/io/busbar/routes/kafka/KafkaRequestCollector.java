package io.busbar.routes.kafka;

import io.busbar.kafka.KafkaRequestMetrics;
import io.busbar.routes.admin.LatencyHistogramPoints;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Publishes the Kafka listener's per-API figures: {@code busbar_kafka_request_seconds{api}} (a histogram: its
 * {@code _count} is the request count, so {@code rate(..._count[1m])} is the request rate) and
 * {@code busbar_kafka_request_errors_total{api}}. Read at scrape time from the listener's atomic counters.
 */
final class KafkaRequestCollector implements MultiCollector {

    private final KafkaRequestMetrics metrics;

    KafkaRequestCollector(KafkaRequestMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public MetricSnapshots collect() {
        HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("busbar_kafka_request_seconds")
                .unit(Unit.SECONDS).help("Kafka listener requests per API: time from handling to the answer being ready");
        CounterSnapshot.Builder errors = CounterSnapshot.builder().name("busbar_kafka_request_errors")
                .help("Kafka listener requests per API whose handling failed (the connection was closed)");
        metrics.snapshot().forEach((api, figures) -> {
            Labels labels = Labels.of("api", api);
            latency.dataPoint(LatencyHistogramPoints.of(figures.latency(), labels));
            errors.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                    .value(figures.errors()).build());
        });
        return MetricSnapshots.of(latency.build(), errors.build());
    }
}
