package io.busbar.bus.log;

import io.busbar.bus.Durability;
import io.busbar.bus.StorageException;
import io.busbar.bus.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The fsyncs of one log. Under {@link Durability#FSYNC} it is a group commit: an append queues its durable future
 * and asks for a flush; a flush takes the log end as it is now, fsyncs every segment written since the last flush,
 * then moves the high watermark there and completes every waiting append at or below it — so appends arriving
 * during an fsync share the next one, and no future completes before the fsync covering it returned. Under
 * {@link Durability#INTERVAL} it fsyncs every {@code flushIntervalMs}; under {@link Durability#OS} only at close.
 * Every flush moves the recovery point; its checkpoint is rewritten when the point enters another segment.
 *
 * <p>Commit delay: when the last group commit covered more than one append (pipelined or concurrent producers), the
 * next one waits half an fsync's time (at most {@link #MAX_COMMIT_DELAY_NANOS}) after the first append asks for it,
 * so that more appends share one fsync: fewer, larger fsyncs cost less CPU per record (each fsync also writes the
 * inode and the block map), and a producer with several requests in flight gets them answered together. A lone
 * producer with one request in flight never waits (its rounds cover one append), so its latency is one fsync.
 * Nothing is acknowledged earlier: the delay only moves when the fsync starts.
 *
 * <p>Commit on the appending thread: a commit that would start at once, requested inside an {@link InlineCommitScope},
 * runs on the appending thread when the scope ends instead of on the scheduler (two thread hand-offs fewer per
 * acknowledgement). It is the same {@code groupCommit}, so the same ordering and durability rules hold.
 *
 * <p>Thread-safety: flushes serialize on {@link #lock()}, which the log also holds while it removes segment files
 * and closes, so a flush never touches a file being closed. Fields marked so are guarded by it.
 */
final class LogFlusher {
    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);
    /** Upper bound of the commit delay (see the class comment). */
    static final long MAX_COMMIT_DELAY_NANOS = 1_000_000;

    private record PendingAppend(long endOffset, CompletableFuture<Long> durable) {
    }

    private final TopicPartition partition;
    private final LogSegments segments;
    private final HighWatermark highWatermark;
    private final Supplier<HighWatermark.Position> logEnd;
    private final OffsetCheckpointFile recoveryCheckpoint;
    private final LogScheduler scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<PendingAppend> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicLong fsyncRounds = new AtomicLong();
    /** Appends the last group commit completed: more than one means appends are pipelined or concurrent. */
    private volatile int lastRoundAppends;
    /** Moving average of the fsync time, for the commit delay. */
    private volatile long fsyncNanosAverage;
    private final ScheduledFuture<?> intervalFlush;
    /** Set when an fsync failed: what was written since the last good fsync is in doubt until the log is reopened. */
    private volatile StorageException failure;
    private volatile boolean closed;
    /** Guarded by lock: everything below is fsynced. */
    private long recoveryPoint;
    /** Guarded by lock: base offset of the segment that held the recovery point last checkpointed. */
    private long checkpointedSegment;

    /**
     * @param logEnd the log end offset, the active segment and its size, read consistently (under the append lock)
     */
    LogFlusher(TopicPartition partition, LogSegments segments, HighWatermark highWatermark,
               Supplier<HighWatermark.Position> logEnd, OffsetCheckpointFile recoveryCheckpoint, LogOptions options,
               LogScheduler scheduler, long recoveryPoint) {
        this.partition = partition;
        this.segments = segments;
        this.highWatermark = highWatermark;
        this.logEnd = logEnd;
        this.recoveryCheckpoint = recoveryCheckpoint;
        this.scheduler = scheduler;
        this.recoveryPoint = recoveryPoint;
        this.checkpointedSegment = segments.floor(recoveryPoint).baseOffset();
        this.intervalFlush = options.durability() == Durability.INTERVAL
                ? scheduler.scheduleAtFixedRate(() -> flush(false), options.flushIntervalMs()) : null;
    }

    ReentrantLock lock() {
        return lock;
    }

    StorageException failure() {
        return failure;
    }

    /** Marks the log unusable until reopened (a failed append could not be undone). */
    void fail(StorageException cause) {
        failure = cause;
    }

    long fsyncRounds() {
        return fsyncRounds.get();
    }

    /**
     * Registers an append (FSYNC) whose records end before {@code endOffset}. Called under the log's append lock, so
     * the queue is in offset order; call {@link #requestFlush()} after releasing it.
     */
    void awaitFsync(long endOffset, CompletableFuture<Long> durable) {
        pending.add(new PendingAppend(endOffset, durable));
    }

    /**
     * Schedules a group commit unless one is already scheduled and not yet started; in an {@link InlineCommitScope},
     * a commit that would start at once is left to the appending thread instead.
     */
    void requestFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            long delay = commitDelayNanos();
            if (delay == 0 && InlineCommitScope.defer(this)) {
                return; // the appending thread runs it when its scope ends
            }
            schedule(delay);
        }
    }

    /** A group commit deferred by an {@link InlineCommitScope} that goes to the scheduler after all. */
    void scheduleGroupCommit() {
        schedule(0);
    }

    /** A group commit deferred by an {@link InlineCommitScope}, run on the appending thread. */
    void runGroupCommit() {
        groupCommit();
    }

    private void schedule(long delay) {
        try {
            if (delay > 0) {
                scheduler.scheduleNanos(this::groupCommit, delay);
            } else {
                scheduler.execute(this::groupCommit);
            }
        } catch (RejectedExecutionException e) {
            // the shared scheduler was stopped before this log: fsync on the caller's thread rather than never
            groupCommit();
        }
    }

    /** How long the next group commit waits before it fsyncs (see the class comment). */
    long commitDelayNanos() {
        return lastRoundAppends > 1 ? Math.min(MAX_COMMIT_DELAY_NANOS, fsyncNanosAverage / 2) : 0;
    }

    private void groupCommit() {
        // cleared before the flush reads the log end: an append after this point schedules the next flush
        flushScheduled.set(false);
        flush(true);
    }

    /**
     * fsyncs every segment from the recovery point to the log end as of now and moves the recovery point; with
     * {@code completeDurable} (FSYNC) also the high watermark, completing the appends it covers.
     */
    private void flush(boolean completeDurable) {
        List<CompletableFuture<Long>> done = new ArrayList<>();
        HighWatermark.Position end;
        lock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            end = logEnd.get();
            if (end.offset() > recoveryPoint) {
                try {
                    long started = System.nanoTime();
                    flushSegmentsUpTo(end.segment());
                    long took = System.nanoTime() - started;
                    scheduler.fsyncLatency().record(took);
                    fsyncNanosAverage = fsyncNanosAverage == 0 ? took : (7 * fsyncNanosAverage + took) / 8;
                    moveRecoveryPoint(end.offset(), end.segment());
                    fsyncRounds.incrementAndGet();
                } catch (IOException e) {
                    failFlush(e);
                    return;
                }
            }
            if (completeDurable) {
                highWatermark.advanceTo(end);
                for (PendingAppend p = pending.peek(); p != null && p.endOffset <= end.offset(); p = pending.peek()) {
                    pending.poll();
                    done.add(p.durable);
                }
                lastRoundAppends = done.size();
            }
        } finally {
            lock.unlock();
        }
        // waiting readers first: their wake-up (a hand-off to their connection's I/O thread) then overlaps with the
        // acknowledgements, which may be written right here when this runs on the producer's I/O thread
        highWatermark.releaseWaiters();
        for (CompletableFuture<Long> f : done) {
            f.complete(end.offset());
        }
    }

    /** Guarded by lock. Starts at the segment holding the last flushed record: it may have rolled since. */
    private void flushSegmentsUpTo(LogSegment last) throws IOException {
        for (LogSegment s : segments.from(recoveryPoint - 1)) {
            if (s.baseOffset() > last.baseOffset()) {
                break;
            }
            s.flush(s != last);
        }
    }

    /** Guarded by lock. */
    private void moveRecoveryPoint(long offset, LogSegment holding) throws IOException {
        recoveryPoint = offset;
        if (holding.baseOffset() != checkpointedSegment) {
            recoveryCheckpoint.write(offset);
            checkpointedSegment = holding.baseOffset();
        }
    }

    /** Guarded by lock: an fsync failed, so nothing written since the last good one may be acknowledged. */
    private void failFlush(IOException e) {
        StorageException failed = new StorageException("fsync of the log of " + partition + " failed: " + e
                + ". Unacknowledged appends are failed; reopen the log once the disk is healthy", e);
        failure = failed;
        LOG.error("{}: {}", partition, failed.getMessage());
        for (PendingAppend p = pending.poll(); p != null; p = pending.poll()) {
            p.durable.completeExceptionally(failed);
        }
    }

    /**
     * At close, under {@link #lock()} held by the caller and after appends stopped: fsyncs everything, writes the
     * recovery point = {@code end} and completes every waiting append. Returns false (nothing written) when the log
     * had failed; on an I/O error fails the waiting appends and rethrows.
     */
    boolean flushForClose(HighWatermark.Position end) throws IOException {
        closed = true;
        if (intervalFlush != null) {
            intervalFlush.cancel(false);
        }
        if (failure != null) {
            failPending(failure);
            return false;
        }
        try {
            for (LogSegment s : segments.from(recoveryPoint - 1)) {
                s.records().flush();
            }
            // indexes before the checkpoint: segments below the recovery point are trusted with their index files
            for (LogSegment s : segments.all()) {
                s.persistIndexes();
            }
            recoveryCheckpoint.write(end.offset());
        } catch (IOException e) {
            failPending(new StorageException("Closing the log of " + partition + " failed: " + e, e));
            throw e;
        }
        recoveryPoint = end.offset();
        highWatermark.advanceTo(end);
        List<CompletableFuture<Long>> done = new ArrayList<>();
        for (PendingAppend p = pending.poll(); p != null; p = pending.poll()) {
            done.add(p.durable);
        }
        done.forEach(f -> f.complete(end.offset()));
        return true;
    }

    private void failPending(StorageException e) {
        for (PendingAppend p = pending.poll(); p != null; p = pending.poll()) {
            p.durable.completeExceptionally(e);
        }
    }
}
