package io.busbar.bus;

import java.util.concurrent.atomic.LongAdder;

/**
 * The embedded bus's fsyncs, for metrics: how long each took, and how many appends the fsync rounds acknowledged
 * (durability {@code fsync}). The acknowledged appends over the fsyncs say how well the group commit batches: a lone
 * producer with one request in flight gets one append per fsync, a Kafka producer with five requests in flight about
 * five. Recording is a few atomic increments on the log's flush threads; readers take values from any thread.
 */
public final class FsyncStats {
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LongAdder acknowledgedAppends = new LongAdder();

    /** The time of each fsync round of a partition log (or of the log journal). */
    public LatencyHistogram latency() {
        return latency;
    }

    /** Appends acknowledged by fsync rounds since the bus opened. */
    public long acknowledgedAppends() {
        return acknowledgedAppends.sum();
    }

    /** Called by a group commit for the appends one fsync round acknowledged. */
    public void recordAcknowledged(int appends) {
        acknowledgedAppends.add(appends);
    }
}
