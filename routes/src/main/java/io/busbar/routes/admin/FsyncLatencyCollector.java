package io.busbar.routes.admin;

import io.busbar.bus.LatencyHistogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Publishes the embedded bus's fsync histogram as {@code busbar_log_fsync_seconds}. It is read at scrape time from
 * the bus's lock-free buckets, so the log's flush threads only ever increment counters. A Prometheus collector
 * rather than a Micrometer meter: Micrometer cannot take buckets counted elsewhere.
 */
final class FsyncLatencyCollector implements Collector {

    static final String NAME = "busbar_log_fsync_seconds";

    private final LatencyHistogram latency;

    FsyncLatencyCollector(LatencyHistogram latency) {
        this.latency = latency;
    }

    @Override
    public MetricSnapshot collect() {
        return HistogramSnapshot.builder().name(NAME).unit(Unit.SECONDS)
                .help("Time of one fsync round of a partition log (every segment written since the last round)")
                .dataPoint(LatencyHistogramPoints.of(latency.snapshot(), Labels.EMPTY))
                .build();
    }
}
