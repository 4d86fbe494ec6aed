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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The fsyncs of one log. Under {@link Durability#FSYNC} it is a {@link GroupCommit}: an append queues its durable
 * future and asks for a commit; a commit takes the log end as it is now, fsyncs every segment written since the last
 * one, then moves the high watermark there and completes every waiting append at or below it — so appends arriving
 * during an fsync share the next one, and no future completes before the fsync covering it returned. Under
 * {@link Durability#INTERVAL} it fsyncs every {@code flushIntervalMs}; under {@link Durability#OS} only at close.
 * Every flush moves the recovery point; its checkpoint is rewritten when the point enters another segment.
 *
 * <p>With a {@link LogJournal} (FSYNC only) the log's appends are durable once the journal's fsync covers them: the
 * journal's commit calls {@link #journalSynced(long)}, which moves the high watermark and completes the appends; the
 * segments are fsynced only at the journal's checkpoints ({@link #checkpoint()}) and at close, and the recovery point
 * moves only then.
 *
 * <p>Thread-safety: flushes serialize on {@link #lock()}, which the log also holds while it removes segment files
 * and closes, so a flush never touches a file being closed. Fields marked so are guarded by it.
 */
final class LogFlusher extends GroupCommit {
    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);

    /** An append waiting to be durable: its end, and (with a journal) the journal position that covers it. */
    private record PendingAppend(HighWatermark.Position end, long journalPosition, CompletableFuture<Long> durable) {
        long endOffset() {
            return end.offset();
        }
    }

    private final TopicPartition partition;
    private final LogSegments segments;
    private final HighWatermark highWatermark;
    private final Supplier<HighWatermark.Position> logEnd;
    private final OffsetCheckpointFile recoveryCheckpoint;
    private final LogJournal journal;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<PendingAppend> pending = new ConcurrentLinkedQueue<>();
    /** Set while this log is in the journal's queue of logs waiting for its next fsync. */
    private final AtomicBoolean awaitingJournal = new AtomicBoolean();
    private final AtomicLong fsyncRounds = new AtomicLong();
    private final ScheduledFuture<?> intervalFlush;
    /** Set when an fsync failed: what was written since the last good fsync is in doubt until the log is reopened. */
    private volatile StorageException failure;
    private volatile boolean closed;
    /** Guarded by lock: everything below is fsynced. */
    private long recoveryPoint;
    /** Guarded by lock: base offset of the segment that held the recovery point last checkpointed. */
    private long checkpointedSegment;

    /**
     * @param logEnd  the log end offset, the active segment and its size, read consistently (under the append lock)
     * @param journal the bus's journal (FSYNC only), or null: each log fsyncs its own segments
     */
    LogFlusher(TopicPartition partition, LogSegments segments, HighWatermark highWatermark,
               Supplier<HighWatermark.Position> logEnd, OffsetCheckpointFile recoveryCheckpoint, LogOptions options,
               LogScheduler scheduler, long recoveryPoint, LogJournal journal) {
        super(scheduler);
        this.partition = partition;
        this.segments = segments;
        this.highWatermark = highWatermark;
        this.logEnd = logEnd;
        this.recoveryCheckpoint = recoveryCheckpoint;
        this.journal = journal;
        this.recoveryPoint = recoveryPoint;
        this.checkpointedSegment = segments.floor(recoveryPoint).baseOffset();
        this.intervalFlush = options.durability() == Durability.INTERVAL
                ? scheduler.scheduleAtFixedRate(() -> flush(false).run(), options.flushIntervalMs()) : null;
    }


    TopicPartition partition() {
        return partition;
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
     * Registers an append (FSYNC) whose records end at {@code end}, written to the journal up to
     * {@code journalPosition} (ignored without a journal). Called under the log's append lock, so the queue is in
     * offset order; call {@link #requestFlush()} after releasing it.
     */
    void awaitFsync(HighWatermark.Position end, long journalPosition, CompletableFuture<Long> durable) {
        pending.add(new PendingAppend(end, journalPosition, durable));
    }

    /** Asks for the commit that makes the registered appends durable: this log's own, or the journal's. */
    void requestFlush() {
        if (journal == null) {
            requestCommit();
            return;
        }
        if (awaitingJournal.compareAndSet(false, true)) {
            journal.awaitSync(this);
        }
        journal.requestCommit();
    }

    @Override
    Runnable commit() {
        return flush(true);
    }

    /**
     * Called by the journal after an fsync that made it durable up to {@code journalEnd}: moves the high watermark over
     * the appends it covers and adds what completes them to {@code acknowledgements}, for the journal to run once its
     * commit is finished. Returns how many; if appends remain, the log waits for the next fsync.
     */
    int journalSynced(long journalEnd, List<Runnable> acknowledgements) {
        awaitingJournal.set(false);
        List<PendingAppend> done = new ArrayList<>();
        lock.lock();
        try {
            if (closed || failure != null) {
                return 0;
            }
            for (PendingAppend p = pending.peek(); p != null && p.journalPosition <= journalEnd; p = pending.peek()) {
                done.add(pending.poll());
            }
            if (!done.isEmpty()) {
                highWatermark.advanceTo(done.get(done.size() - 1).end);
            }
        } finally {
            lock.unlock();
        }
        if (!pending.isEmpty() && awaitingJournal.compareAndSet(false, true)) {
            // written after this fsync read the journal's end; the commit their appends asked for may be this one, which
            // drained the queue before they joined it, so ask for one that sees this log (this commit's follow-up)
            journal.awaitSync(this);
            journal.requestCommit();
        }
        if (!done.isEmpty()) {
            long highWatermarkOffset = done.get(done.size() - 1).endOffset();
            acknowledgements.add(() -> complete(done, highWatermarkOffset));
        }
        return done.size();
    }

    /**
     * The journal's checkpoint: fsyncs this log's segments up to its end as of now and moves the recovery point there,
     * so that every journal entry this log wrote before the call is in fsynced segments.
     */
    void checkpoint() throws IOException {
        writeBackUnlocked();
        lock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            HighWatermark.Position end = logEnd.get();
            if (end.offset() > recoveryPoint) {
                flushSegmentsUpTo(end.segment());
                // written every time, not only in a new segment: a recovery trusts no more than this, and the journal
                // files this checkpoint lets go held what lies between
                writeRecoveryPoint(end);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bulk of a checkpoint's fsync, done before it takes the lock: the segments' write-back (a journal file's worth
     * of records, tens of ms). The journal's commit takes the lock to acknowledge this log's appends
     * ({@link #journalSynced}), and would otherwise wait that long with every other log's acknowledgements behind it;
     * the fsync under the lock then finds little left to write. A segment removed or closed meanwhile (retention, the
     * log closing) fails its fsync here; that is left to the fsync under the lock, which reports real failures.
     */
    private void writeBackUnlocked() {
        List<LogSegment> unsynced;
        lock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            unsynced = unflushedUpTo(logEnd.get().segment().baseOffset());
        } finally {
            lock.unlock();
        }
        for (LogSegment s : unsynced) {
            try {
                s.records().channel().force(false);
            } catch (IOException e) {
                LOG.debug("{}: checkpoint write-back of segment {} left to the locked fsync: {}", partition,
                        s.baseOffset(), e.toString());
                return;
            }
        }
    }

    /** Appends replayed from the journal at open: fsyncs them, checkpoints the recovery point, moves the high watermark. */
    void flushReplayed() throws IOException {
        lock.lock();
        try {
            HighWatermark.Position end = logEnd.get();
            flushSegmentsUpTo(end.segment());
            writeRecoveryPoint(end);
            highWatermark.advanceTo(end);
        } finally {
            lock.unlock();
        }
    }

    /** The journal failed an fsync: the appends waiting for it fail, and so do later ones until the log is reopened. */
    void journalFailed(StorageException cause) {
        lock.lock();
        try {
            failure = cause;
            failPending(cause);
        } finally {
            lock.unlock();
        }
    }

    /**
     * fsyncs every segment from the recovery point to the log end as of now and moves the recovery point; with
     * {@code completeDurable} (FSYNC) also the high watermark. Returns what completes the appends it made durable, to
     * run once the commit counts as finished (see {@link GroupCommit#commit()}).
     */
    private Runnable flush(boolean completeDurable) {
        List<PendingAppend> done = new ArrayList<>();
        HighWatermark.Position end;
        lock.lock();
        try {
            if (closed || failure != null) {
                return NOTHING_TO_ACKNOWLEDGE;
            }
            end = logEnd.get();
            if (end.offset() > recoveryPoint) {
                try {
                    long started = System.nanoTime();
                    flushSegmentsUpTo(end.segment());
                    recordFsync(System.nanoTime() - started);
                    moveRecoveryPoint(end.offset(), end.segment());
                    fsyncRounds.incrementAndGet();
                } catch (IOException e) {
                    failFlush(e);
                    return NOTHING_TO_ACKNOWLEDGE;
                }
            }
            if (completeDurable) {
                highWatermark.advanceTo(end);
                for (PendingAppend p = pending.peek(); p != null && p.endOffset() <= end.offset(); p = pending.peek()) {
                    done.add(pending.poll());
                }
                recordRound(done.size());
            }
        } finally {
            lock.unlock();
        }
        long highWatermarkOffset = end.offset();
        return () -> complete(done, highWatermarkOffset);
    }

    /** Completes each with the high watermark the commit moved to. */
    private void complete(List<PendingAppend> done, long highWatermarkOffset) {
        // waiting readers first: their wake-up (a hand-off to their connection's I/O thread) then overlaps with the
        // acknowledgements, which may be written right here when this runs on the producer's I/O thread
        highWatermark.releaseWaiters();
        for (PendingAppend p : done) {
            p.durable.complete(highWatermarkOffset);
        }
    }

    /** Guarded by lock. */
    private void flushSegmentsUpTo(LogSegment last) throws IOException {
        for (LogSegment s : unflushedUpTo(last.baseOffset())) {
            s.flush(s != last);
        }
    }

    /**
     * Guarded by lock: the segments from the one holding the last flushed record (it may have rolled since) to the one
     * starting at {@code lastBaseOffset}.
     */
    private List<LogSegment> unflushedUpTo(long lastBaseOffset) {
        List<LogSegment> unflushed = new ArrayList<>(2);
        for (LogSegment s : segments.from(recoveryPoint - 1)) {
            if (s.baseOffset() > lastBaseOffset) {
                break;
            }
            unflushed.add(s);
        }
        return unflushed;
    }

    /** Guarded by lock: moves the recovery point to {@code end} and checkpoints it whatever segment holds it. */
    private void writeRecoveryPoint(HighWatermark.Position end) throws IOException {
        recoveryPoint = end.offset();
        recoveryCheckpoint.write(end.offset());
        checkpointedSegment = end.segment().baseOffset();
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
        failPending(failed);
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
