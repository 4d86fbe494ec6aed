package io.busbar.bus.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of a log ordered by base offset. Thread-safe: a concurrent sorted map, so readers iterate while the
 * log rolls, retention removes and compaction replaces segments (each a single atomic map operation).
 */
final class LogSegments {
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    void put(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    /** Removes {@code segment} if it is still the one at its base offset. */
    boolean remove(LogSegment segment) {
        return segments.remove(segment.baseOffset(), segment);
    }

    /** Replaces {@code old} by {@code replacement} (same base offset) atomically. */
    boolean replace(LogSegment old, LogSegment replacement) {
        return segments.replace(old.baseOffset(), old, replacement);
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int count() {
        return segments.size();
    }

    LogSegment first() {
        Map.Entry<Long, LogSegment> e = segments.firstEntry();
        return e == null ? null : e.getValue();
    }

    LogSegment last() {
        Map.Entry<Long, LogSegment> e = segments.lastEntry();
        return e == null ? null : e.getValue();
    }

    /** The segment that would hold {@code offset} (greatest base at or below it), or null when below all. */
    LogSegment floor(long offset) {
        Map.Entry<Long, LogSegment> e = segments.floorEntry(offset);
        return e == null ? null : e.getValue();
    }

    /** The segment after {@code segment}, or null. */
    LogSegment higher(LogSegment segment) {
        Map.Entry<Long, LogSegment> e = segments.higherEntry(segment.baseOffset());
        return e == null ? null : e.getValue();
    }

    /** Segments from the one holding {@code offset} (or the first, when below all) to the end, in order. */
    Collection<LogSegment> from(long offset) {
        Long floor = segments.floorKey(offset);
        return floor == null ? segments.values() : segments.tailMap(floor, true).values();
    }

    Collection<LogSegment> all() {
        return segments.values();
    }

    List<LogSegment> snapshot() {
        return new ArrayList<>(segments.values());
    }

    long sizeInBytes() {
        long size = 0;
        for (LogSegment s : segments.values()) {
            size += s.size();
        }
        return size;
    }
}
