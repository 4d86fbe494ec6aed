package io.busbar.routes.admin;

import io.busbar.bus.FsyncStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Publishes the embedded bus's fsyncs: {@code busbar_log_fsync_seconds}, the time of each fsync round, and
 * {@code busbar_log_fsync_acknowledged_appends_total}, the appends those rounds acknowledged; the second's rate over the
 * first's count rate is the appends per fsync. Read at scrape time from the bus's lock-free counters, so the log's
 * flush threads only ever increment them. A Prometheus collector rather than Micrometer meters: Micrometer cannot take
 * buckets counted elsewhere.
 */
final class FsyncCollector implements MultiCollector {

    static final String LATENCY = "busbar_log_fsync_seconds";
    static final String ACKNOWLEDGED = "busbar_log_fsync_acknowledged_appends";

    private final FsyncStats fsyncs;

    FsyncCollector(FsyncStats fsyncs) {
        this.fsyncs = fsyncs;
    }

    @Override
    public MetricSnapshots collect() {
        return MetricSnapshots.of(
                HistogramSnapshot.builder().name(LATENCY).unit(Unit.SECONDS)
                        .help("Time of one fsync round of a partition log (every segment written since the last round)")
                        .dataPoint(LatencyHistogramPoints.of(fsyncs.latency().snapshot(), Labels.EMPTY))
                        .build(),
                CounterSnapshot.builder().name(ACKNOWLEDGED)
                        .help("Appends acknowledged by fsync rounds (durability fsync); per fsync round: "
                                + "rate of this over rate of " + LATENCY + "_count")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .value(fsyncs.acknowledgedAppends()).build())
                        .build());
    }

    @Override
    public java.util.List<String> getPrometheusNames() {
        return java.util.List.of(LATENCY, ACKNOWLEDGED);
    }
}
