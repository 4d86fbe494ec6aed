package io.busbar.bus.migration;

import java.util.Map;
import java.util.TreeMap;

/**
 * Maps source offsets of one partition to target offsets after a copy, in memory proportional to the number of gaps
 * in the source (not to the number of records): copied records form runs of contiguous source offsets, each run with
 * one constant {@code target - source} delta. Not thread-safe.
 */
final class OffsetTranslation {
    /** Run start (source offset) → {delta, last source offset of the run}. */
    private final TreeMap<Long, long[]> runs = new TreeMap<>();
    private long[] current;

    /** Records that the record at {@code source} was copied to {@code target}; call in increasing source order. */
    void add(long source, long target) {
        long delta = target - source;
        if (current != null && current[0] == delta && current[1] == source - 1) {
            current[1] = source;
            return;
        }
        current = new long[] {delta, source};
        runs.put(source, current);
    }

    /**
     * The target offset of the first copied record at or after {@code source} — what a committed offset ("next record
     * to read") becomes; past the last record, the offset after the last copied record.
     */
    long translate(long source) {
        Map.Entry<Long, long[]> run = runs.floorEntry(source);
        if (run == null) {
            Map.Entry<Long, long[]> first = runs.firstEntry();
            return first == null ? 0 : first.getKey() + first.getValue()[0];
        }
        long delta = run.getValue()[0];
        long last = run.getValue()[1];
        return source <= last ? source + delta : last + delta + 1;
    }
}
