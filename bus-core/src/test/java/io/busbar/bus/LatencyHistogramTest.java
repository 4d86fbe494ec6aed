package io.busbar.bus;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fsync histogram's buckets, and the embedded bus feeding it from its flush threads. */
class LatencyHistogramTest {

    @TempDir
    Path dir;

    @Test
    void countsEachRoundInTheFirstBucketAtOrAboveIt() {
        LatencyHistogram latency = new LatencyHistogram();
        latency.record(50_000);        // 50 µs: first bucket (<= 100 µs)
        latency.record(100_000);       // exactly 100 µs: still the first (bounds are inclusive)
        latency.record(3_000_000);     // 3 ms: the 5 ms bucket
        latency.record(60_000_000_000L); // a minute: +Inf

        LatencyHistogram.Snapshot s = latency.snapshot();
        assertThat(s.counts()).hasSize(s.upperBoundsSeconds().length);
        assertThat(s.counts()[0]).isEqualTo(2);
        int fiveMs = Arrays.binarySearch(s.upperBoundsSeconds(), 0.005);
        assertThat(s.counts()[fiveMs]).isEqualTo(1);
        assertThat(s.counts()[s.counts().length - 1]).isEqualTo(1);
        assertThat(s.upperBoundsSeconds()[s.upperBoundsSeconds().length - 1]).isInfinite();
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.sumSeconds()).isCloseTo(60.00315, Offset.offset(1e-9));
    }

    @Test
    void theEmbeddedBusRecordsItsFsyncs() {
        try (Bus bus = Bus.open(BusConfig.builder(dir).durability(Durability.FSYNC).build())) {
            long before = bus.fsyncStats().orElseThrow().latency().snapshot().count();
            bus.admin().createTopic("fsynced", 1, Map.of());
            bus.producer().send("fsynced", BusRecord.of("k", "v")).join();
            assertThat(bus.fsyncStats().orElseThrow().latency().snapshot().count()).isGreaterThan(before);
        }
    }
}
