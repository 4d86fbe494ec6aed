package io.busbar.bus;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long something takes (the log's fsync rounds, the Kafka listener's requests), as a histogram with fixed
 * buckets (100 µs to 10 s). Recording is a handful of atomic increments with no lock and no allocation, so the log's
 * flush threads and the listener's event loops call it on every round or request without slowing down; readers (a
 * metrics scrape) take a {@link #snapshot()} from any thread. A snapshot taken while times are recorded may be off
 * by those in flight, as any Prometheus histogram.
 */
public final class LatencyHistogram {

    /** Upper bounds of the buckets, in seconds; the last bucket (+Inf) is implied. */
    private static final double[] UPPER_BOUNDS_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final long[] UPPER_BOUNDS_NANOS = new long[UPPER_BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < UPPER_BOUNDS_SECONDS.length; i++) {
            UPPER_BOUNDS_NANOS[i] = Math.round(UPPER_BOUNDS_SECONDS[i] * 1e9);
        }
    }

    /**
     * @param upperBoundsSeconds each bucket's upper bound (inclusive); the last is +Inf
     * @param counts             times recorded per bucket (not cumulative), one more than the bounds (the +Inf one)
     * @param sumSeconds         every time recorded, summed
     */
    public record Snapshot(double[] upperBoundsSeconds, long[] counts, double sumSeconds) {
        public long count() {
            long total = 0;
            for (long c : counts) {
                total += c;
            }
            return total;
        }
    }

    private final AtomicLongArray buckets = new AtomicLongArray(UPPER_BOUNDS_NANOS.length + 1);
    private final LongAdder sumNanos = new LongAdder();

    /** Records one round or request that took {@code nanos}. */
    public void record(long nanos) {
        int bucket = 0;
        while (bucket < UPPER_BOUNDS_NANOS.length && nanos > UPPER_BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        buckets.incrementAndGet(bucket);
        sumNanos.add(Math.max(0, nanos));
    }

    public Snapshot snapshot() {
        long[] counts = new long[buckets.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets.get(i);
        }
        double[] bounds = new double[UPPER_BOUNDS_SECONDS.length + 1];
        System.arraycopy(UPPER_BOUNDS_SECONDS, 0, bounds, 0, UPPER_BOUNDS_SECONDS.length);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return new Snapshot(bounds, counts, sumNanos.sum() / 1e9);
    }
}
