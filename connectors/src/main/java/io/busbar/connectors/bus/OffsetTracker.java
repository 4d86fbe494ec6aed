package io.busbar.connectors.bus;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which offsets of each partition may be committed. Records are started in offset order and may complete in any
 * order; the committable offset of a partition is one past the last record of the longest completed prefix, so a
 * commit never passes a record still in flight or abandoned (that is the at-least-once rule).
 *
 * <p>Not thread-safe: owned by one poller thread.
 */
final class OffsetTracker {

    private final Map<TopicPartition, Window> windows = new HashMap<>();

    /** Offsets started but not yet committable, in start (= offset) order, and which of them completed. */
    private static final class Window {
        final ArrayDeque<Long> pending = new ArrayDeque<>();
        final Set<Long> completed = new HashSet<>();
        long committable = -1;
        boolean dirty;
    }

    void started(TopicPartition partition, long offset) {
        windows.computeIfAbsent(partition, p -> new Window()).pending.addLast(offset);
    }

    /** Marks a record done (processed, or written to the dead-letter topic); ignored for a revoked partition. */
    void completed(TopicPartition partition, long offset) {
        Window w = windows.get(partition);
        if (w == null) {
            return;
        }
        w.completed.add(offset);
        while (!w.pending.isEmpty() && w.completed.remove(w.pending.peekFirst())) {
            long next = w.pending.pollFirst() + 1;
            if (next > w.committable) { // a record delivered again (in-order retry) never moves the offset back
                w.committable = next;
                w.dirty = true;
            }
        }
    }

    /**
     * Forgets the started records from {@code offset} on (none of them in flight): they are read and started again.
     * The committable offset stays where it is.
     */
    void rewind(TopicPartition partition, long offset) {
        Window w = windows.get(partition);
        if (w != null) {
            w.pending.removeIf(o -> o >= offset);
            w.completed.removeIf(o -> o >= offset);
        }
    }

    /** Whether any of these partitions has a started record that is not done. */
    boolean hasPending(Collection<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            Window w = windows.get(p);
            if (w != null && !w.pending.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Offsets that advanced since the last call (for the given partitions, or all when null); clears them. */
    Map<TopicPartition, CommittedOffset> takeCommittable(Collection<TopicPartition> only) {
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        windows.forEach((partition, w) -> {
            if (w.dirty && (only == null || only.contains(partition))) {
                offsets.put(partition, new CommittedOffset(w.committable));
                w.dirty = false;
            }
        });
        return offsets;
    }

    /** Puts offsets whose commit failed back, so the next commit retries them unless they advanced since. */
    void restore(Map<TopicPartition, CommittedOffset> offsets) {
        offsets.forEach((partition, offset) -> {
            Window w = windows.get(partition);
            if (w != null) {
                w.dirty = true;
            }
        });
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(windows::remove);
    }
}
