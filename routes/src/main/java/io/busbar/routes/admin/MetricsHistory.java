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

    public record Sample(long time, Map<String, TopicPoint> topics, Map<String, Long> groupLag,
                         Map<String, PipelinePoint> pipelines) { }

    private final Deque<Sample> samples = new ArrayDeque<>();

    synchronized void add(Map<String, TopicPoint> topics, Map<String, Long> groupLag, PipelineEvents events) {
        Map<String, PipelinePoint> pipelines = new HashMap<>();
        events.snapshot().forEach((id, c) -> pipelines.put(id,
                new PipelinePoint((long) c.exchanges.count(), (long) c.failures.count(), c.ratePerSecond())));
        samples.addLast(new Sample(System.currentTimeMillis(), Map.copyOf(topics), Map.copyOf(groupLag),
                Map.copyOf(pipelines)));
        while (samples.size() > CAPACITY) {
            samples.removeFirst();
        }
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
