package io.busbar.routes.admin;

import io.busbar.bus.LatencyHistogram;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

/** Turns the bus's {@link LatencyHistogram}s into Prometheus histogram points (seconds, classic buckets). */
public final class LatencyHistogramPoints {

    private LatencyHistogramPoints() {
    }

    public static HistogramDataPointSnapshot of(LatencyHistogram.Snapshot s, Labels labels) {
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(s.upperBoundsSeconds(), s.counts()))
                .sum(s.sumSeconds()).build();
    }
}
