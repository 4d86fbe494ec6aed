package io.busbar.routes.admin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@link #CAPACITY} samples of topic offsets, group lag and pipeline counters, for the console's charts
 * (lag over time, throughput). Thread-safe: one writer (the sampler), many readers, under this object's lock.
 */
public final class MetricsHistory {

    static final int CAPACITY = 300;

    public record TopicPoint(long recordsIn, long recordsOut, long sizeBytes) { }

    public record PipelinePoint(long exchanges, long failures, double ratePerSecond) { }

    /**
     * {@code groupCommitted}: per group, its committed offsets summed over its partitions (its consumption rate is
     * the difference between two samples).
     */
    public record Sample(long time, Map<String, TopicPoint> topics, Map<String, Long> groupLag,
                         Map<String, Long> groupCommitted, Map<String, PipelinePoint> pipelines) { }

    private final Deque<Sample> samples = new ArrayDeque<>();

    synchronized void add(Map<String, TopicPoint> topics, Map<String, Long> groupLag, Map<String, Long> groupCommitted,
                          PipelineEvents events) {
        Map<String, PipelinePoint> pipelines = new HashMap<>();
        events.snapshot().forEach((id, c) -> pipelines.put(id,
                new PipelinePoint((long) c.exchanges.count(), (long) c.failures.count(), c.ratePerSecond())));
        samples.addLast(new Sample(System.currentTimeMillis(), Map.copyOf(topics), Map.copyOf(groupLag),
                Map.copyOf(groupCommitted), Map.copyOf(pipelines)));
        while (samples.size() > CAPACITY) {
            samples.removeFirst();
        }
    }

    /** The newest sample, or null before the first. */
    public synchronized Sample latest() {
        return samples.peekLast();
    }

    /**
     * The newest sample taken at least {@code ageMs} before {@code newest}, else the oldest one: rates over a few
     * seconds rather than one sampling interval, so a single slow sample does not make them jump.
     */
    public synchronized Sample before(Sample newest, long ageMs) {
        Sample found = null;
        for (Sample s : samples) {
            if (s.time() <= newest.time() - ageMs) {
                found = s;
            }
        }
        return found != null ? found : samples.peekFirst();
    }

    /** Samples newer than {@code since} (epoch millis), oldest first. */
    public synchronized List<Sample> since(long since) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.time() > since) {
                out.add(s);
            }
        }
        return out;
    }
}
