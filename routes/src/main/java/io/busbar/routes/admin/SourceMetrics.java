package io.busbar.routes.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;

/**
 * The sources' stored positions as gauges: {@code busbar_source_lag_bytes{source}} (a file source's bytes not yet
 * read), {@code busbar_source_position{source}} (a JDBC source's last incrementing value) and
 * {@code busbar_source_position_timestamp_seconds{source}} (its last timestamp). {@link #sample()} is called by the
 * admin service's sampler thread.
 */
final class SourceMetrics {

    private final SourceOperations sources;
    private final MultiGauge lag;
    private final MultiGauge position;
    private final MultiGauge timestamp;

    SourceMetrics(MeterRegistry registry, SourceOperations sources) {
        this.sources = sources;
        this.lag = MultiGauge.builder("busbar.source.lag").baseUnit("bytes")
                .description("File source: bytes of its files not yet read (from its stored position)").register(registry);
        this.position = MultiGauge.builder("busbar.source.position")
                .description("JDBC source: the last incrementing column value it stored").register(registry);
        this.timestamp = MultiGauge.builder("busbar.source.position.timestamp").baseUnit("seconds")
                .description("JDBC source: the last timestamp column value it stored (epoch seconds)").register(registry);
    }

    void sample() {
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        List<MultiGauge.Row<?>> positionRows = new ArrayList<>();
        List<MultiGauge.Row<?>> timestampRows = new ArrayList<>();
        for (SourceOperations.SourcePosition s : sources.list()) {
            Tags tags = Tags.of("source", s.id());
            if (s.lagBytes() != null) {
                lagRows.add(MultiGauge.Row.of(tags, s.lagBytes()));
            }
            if (s.incrementing() != null) {
                positionRows.add(MultiGauge.Row.of(tags, s.incrementing()));
            }
            if (s.timestampMillis() != null) {
                timestampRows.add(MultiGauge.Row.of(tags, s.timestampMillis() / 1000.0));
            }
        }
        lag.register(lagRows, true);
        position.register(positionRows, true);
        timestamp.register(timestampRows, true);
    }
}
