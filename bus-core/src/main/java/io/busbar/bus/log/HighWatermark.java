package io.busbar.bus.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The high watermark of a log — the offset after the last durable record — with the physical position it
 * corresponds to, and the futures of readers waiting for it to move ({@link PartitionLog#awaitHighWatermarkAbove}).
 *
 * <p>Invariant: the offset never decreases while the log is open. Thread-safety: {@link #advanceTo} is called by
 * one thread at a time (the log's append lock or flush lock); {@link #current()} and {@link #awaitAbove} from any
 * thread. Waiters are registered and released under one monitor after the volatile position is published, so a
 * waiter registered concurrently with an advance is never missed.
 */
final class HighWatermark {

    /** The high watermark offset, the segment holding it and the byte position in that segment it ends at. */
    record Position(long offset, LogSegment segment, int filePosition) {
    }

    private volatile Position position;
    /**
     * Waiting readers by the offset they wait to be passed. Each reader gets its own future (never a copy of a shared
     * one: every copy would hang a node on the shared future until it completes, a leak for a partition that stays idle
     * for hours while consumers poll); futures the reader cancelled are dropped when the next reader registers.
     */
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
    private boolean closed;

    HighWatermark(Position initial) {
        this.position = initial;
    }

    Position current() {
        return position;
    }

    long offset() {
        return position.offset;
    }

    /**
     * Moves to {@code next} if it is not behind. Waiters are released separately by {@link #releaseWaiters()}, so
     * the caller can do that after leaving its locks (waiters' callbacks run on the releasing thread).
     */
    void advanceTo(Position next) {
        if (next.offset >= position.offset) {
            position = next;
        }
    }

    /**
     * Re-anchors the position after segments were replaced (compaction swaps a segment object) without moving the
     * offset.
     */
    void replaceSegment(LogSegment old, LogSegment replacement) {
        Position p = position;
        if (p.segment == old) {
            position = new Position(p.offset, replacement, replacement.size());
        }
    }

    /**
     * Completes once the offset is above {@code offset}. The caller may cancel the future when it stops waiting; cancelled
     * futures do not pile up across repeated polls.
     */
    CompletableFuture<Void> awaitAbove(long offset) {
        if (position.offset > offset) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        synchronized (waiters) {
            if (closed || position.offset > offset) {
                return CompletableFuture.completedFuture(null);
            }
            List<CompletableFuture<Void>> atOffset = waiters.computeIfAbsent(offset, o -> new ArrayList<>());
            atOffset.removeIf(CompletableFuture::isDone);
            atOffset.add(waiter);
        }
        return waiter;
    }

    /** Futures registered and not yet released (cancelled ones included until purged); for tests. */
    int waiterCount() {
        synchronized (waiters) {
            return waiters.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Releases every waiter: the log is closing. */
    void close() {
        List<CompletableFuture<Void>> released;
        synchronized (waiters) {
            closed = true;
            released = new ArrayList<>();
            waiters.values().forEach(released::addAll);
            waiters.clear();
        }
        released.forEach(f -> f.complete(null));
    }

    /** Completes the waiters the current offset has passed. */
    void releaseWaiters() {
        long highWatermark = position.offset;
        List<CompletableFuture<Void>> released = null;
        synchronized (waiters) {
            if (waiters.isEmpty()) {
                return;
            }
            Map<Long, List<CompletableFuture<Void>>> passed = waiters.headMap(highWatermark, false);
            if (!passed.isEmpty()) {
                released = new ArrayList<>();
                passed.values().forEach(released::addAll);
                passed.clear();
            }
        }
        if (released != null) {
            released.forEach(f -> f.complete(null));
        }
    }
}
