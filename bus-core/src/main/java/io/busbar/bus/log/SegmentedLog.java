package io.busbar.bus.log;

import io.busbar.bus.BusClosedException;
import io.busbar.bus.Durability;
import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.StorageException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Records;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A {@link PartitionLog} on local disk: segment files in one directory (see {@link LogFiles}), appends to the last
 * (active) segment, fsyncs by the durability policy, retention and compaction on closed segments.
 *
 * <p>Locks, always taken in this order: {@code maintenanceLock} (retention, compaction: one at a time),
 * {@code flushLock} (fsyncs, the recovery point, removing segment files), {@code appendLock} (the log end, the
 * active segment, rolling). Reads take no lock: they see the segment map and the high watermark published by the
 * writers. Thread-safe.
 */
final class SegmentedLog implements PartitionLog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);
    /** Segment files removed by retention or compaction stay open this long for reads already under way. */
    static final long FILE_DELETE_DELAY_MS = 60_000;

    private record PendingAppend(long endOffset, CompletableFuture<Long> durable) {
    }

    private final Path dir;
    private final TopicPartition partition;
    private final LogOptions options;
    private final LogScheduler scheduler;
    private final boolean ownsScheduler;
    private final LongSupplier clock;
    private final LogSegments segments;
    private final HighWatermark highWatermark;
    private final OffsetCheckpointFile recoveryCheckpoint;
    private final OffsetCheckpointFile logStartCheckpoint;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final Object maintenanceLock = new Object();
    private final ConcurrentLinkedQueue<PendingAppend> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final List<LogSegment> removedSegments = new ArrayList<>();
    private final LogCleaner cleaner;
    private final ScheduledFuture<?> intervalFlush;
    private final AtomicLong fsyncRounds = new AtomicLong();

    private volatile TopicConfig config;
    private volatile LogSegment active;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile boolean closed;
    /** Set when an fsync failed: what was written since the last good fsync is in doubt until the log is reopened. */
    private volatile StorageException failure;
    /** Guarded by flushLock. */
    private long recoveryPoint;
    /** Base offset of the segment holding the recovery point last written to the checkpoint; guarded by flushLock. */
    private long checkpointedRecoverySegment;

    SegmentedLog(Path dir, TopicPartition partition, TopicConfig config, LogOptions options, LogScheduler scheduler,
                 boolean ownsScheduler, LongSupplier clock) throws IOException {
        this.dir = dir;
        this.partition = partition;
        this.config = config;
        this.options = options;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.clock = clock;
        LogLoader.LoadedLog loaded = new LogLoader(dir, partition, config, options,
                clock.getAsLong()).load();
        this.segments = loaded.segments();
        this.active = segments.last();
        this.logEndOffset = active.nextOffset();
        this.logStartOffset = loaded.logStartOffset();
        this.recoveryPoint = loaded.recoveryPoint();
        this.checkpointedRecoverySegment = active.baseOffset();
        this.recoveryCheckpoint = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.RECOVERY_POINT));
        this.logStartCheckpoint = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.LOG_START_OFFSET));
        this.highWatermark = new HighWatermark(new HighWatermark.Position(logEndOffset, active, active.size()));
        this.cleaner = new LogCleaner(this);
        this.intervalFlush = options.durability() == Durability.INTERVAL
                ? scheduler.scheduleAtFixedRate(this::intervalFlush, options.flushIntervalMs()) : null;
    }

    @Override
    public TopicPartition topicPartition() {
        return partition;
    }

    @Override
    public TopicConfig config() {
        return config;
    }

    @Override
    public void updateConfig(TopicConfig config) {
        this.config = config;
    }

    Path dir() {
        return dir;
    }

    LogSegments segments() {
        return segments;
    }

    LogSegment activeSegment() {
        return active;
    }

    HighWatermark.Position highWatermarkPosition() {
        return highWatermark.current();
    }

    long nowMs() {
        return clock.getAsLong();
    }

    /** How many flushes (each one fsync per dirty segment) ran: group commit keeps this far below the appends. */
    long fsyncRounds() {
        return fsyncRounds.get();
    }

    // ---------------------------------------------------------------- append

    @Override
    public AppendResult append(MemoryRecords records) {
        TopicConfig cfg = config;
        BatchValidator.ValidatedBatches batches = BatchValidator.validate(partition, records, cfg.maxMessageBytes());
        CompletableFuture<Long> durable = new CompletableFuture<>();
        long baseOffset;
        long nextOffset;
        boolean fsync = options.durability() == Durability.FSYNC;
        appendLock.lock();
        try {
            ensureWritable();
            LogSegment segment = maybeRoll(cfg, batches);
            baseOffset = logEndOffset;
            nextOffset = assignOffsets(records, baseOffset);
            int sizeBefore = segment.size();
            try {
                segment.append(records);
            } catch (IOException e) {
                throw undoFailedAppend(segment, sizeBefore, e);
            }
            logEndOffset = nextOffset;
            if (fsync) {
                pending.add(new PendingAppend(nextOffset, durable));
            } else {
                highWatermark.advanceTo(new HighWatermark.Position(nextOffset, segment, segment.size()));
            }
        } finally {
            appendLock.unlock();
        }
        if (fsync) {
            requestFlush();
        } else {
            durable.complete(nextOffset);
            highWatermark.releaseWaiters();
        }
        return new AppendResult(baseOffset, nextOffset - 1, batches.maxTimestamp(), batches.recordCount(), durable);
    }

    private void ensureWritable() {
        if (closed) {
            throw new BusClosedException("The log of " + partition + " is closed");
        }
        StorageException failed = failure;
        if (failed != null) {
            throw new StorageException("The log of " + partition + " failed an fsync and accepts no appends until "
                    + "it is reopened (the disk reported: " + failed.getCause() + ")", failed);
        }
    }

    /** Rewrites each batch's base offset (outside its CRC) so offsets continue from the log end. */
    private static long assignOffsets(MemoryRecords records, long from) {
        long next = from;
        for (MutableRecordBatch batch : records.batches()) {
            long delta = batch.lastOffset() - batch.baseOffset();
            batch.setLastOffset(next + delta);
            next += delta + 1;
        }
        return next;
    }

    private StorageException undoFailedAppend(LogSegment segment, int sizeBefore, IOException cause) {
        try {
            segment.truncateTo(sizeBefore);
        } catch (IOException e) {
            cause.addSuppressed(e);
            StorageException failed = new StorageException("The log of " + partition + " could not undo a failed "
                    + "append in " + segment.file() + ": reopen the log once the disk is healthy", cause);
            failure = failed;
            return failed;
        }
        return new StorageException("Append to " + partition + " failed writing " + segment.file() + ": " + cause
                + ". Nothing was appended; free disk space and retry", cause);
    }

    /** Rolls to a new segment when the active one is full, too old, or cannot index the offsets. */
    private LogSegment maybeRoll(TopicConfig cfg, BatchValidator.ValidatedBatches batches) {
        LogSegment segment = active;
        if (segment.size() == 0) {
            return segment;
        }
        long now = clock.getAsLong();
        boolean full = (long) segment.size() + batches.sizeInBytes() > cfg.segmentBytes();
        boolean old = now - segment.rollBaseTimeMs() >= cfg.segmentMs();
        boolean offsetsOverflow = !segment.canHoldOffset(logEndOffset + batches.offsetSpan());
        if (!(full || old || offsetsOverflow)) {
            return segment;
        }
        return roll(cfg, now);
    }

    private LogSegment roll(TopicConfig cfg, long now) {
        LogSegment previous = active;
        LogSegment next;
        try {
            next = LogSegment.create(dir, logEndOffset, cfg.indexIntervalBytes(), now);
        } catch (IOException e) {
            throw new StorageException("Cannot create segment " + LogFiles.logFile(dir, logEndOffset) + " for "
                    + partition + ": " + e + ". Nothing was appended; free disk space and retry", e);
        }
        try {
            LogFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            try {
                next.closeAndDelete();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StorageException("Cannot fsync directory " + dir + " after creating a segment for " + partition
                    + ": " + e + ". Nothing was appended; retry once the disk is healthy", e);
        }
        previous.onBecomeInactive();
        segments.put(next);
        active = next;
        LOG.debug("{}: rolled to segment {}", partition, next.file());
        return next;
    }

    // ---------------------------------------------------------------- flush

    private void requestFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::groupCommit);
            } catch (RejectedExecutionException e) {
                // the shared scheduler was stopped before this log: fsync on the caller's thread rather than never
                groupCommit();
            }
        }
    }

    /**
     * Group commit: one fsync covers everything written before it started, completing every append waiting for it.
     * Appends arriving during the fsync schedule exactly one more.
     */
    private void groupCommit() {
        flushScheduled.set(false);
        flush(true);
    }

    private void intervalFlush() {
        flush(false);
    }

    /**
     * fsyncs every segment from the recovery point to the log end as of now; moves the recovery point (and its
     * checkpoint, once per segment) and, under FSYNC, the high watermark, completing the appends it covers.
     */
    private void flush(boolean completeDurable) {
        List<CompletableFuture<Long>> done = new ArrayList<>();
        long target;
        flushLock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            LogSegment lastSegment;
            int lastPosition;
            appendLock.lock();
            try {
                target = logEndOffset;
                lastSegment = active;
                lastPosition = lastSegment.size();
            } finally {
                appendLock.unlock();
            }
            if (target > recoveryPoint) {
                try {
                    // from the segment holding the last flushed record: it may have rolled since and need its indexes
                    for (LogSegment s : segments.from(recoveryPoint - 1)) {
                        if (s.baseOffset() > lastSegment.baseOffset()) {
                            break;
                        }
                        s.flush(s != lastSegment);
                    }
                    moveRecoveryPoint(target, lastSegment);
                    fsyncRounds.incrementAndGet();
                } catch (IOException e) {
                    failFlush(e);
                    return;
                }
            }
            if (completeDurable) {
                highWatermark.advanceTo(new HighWatermark.Position(target, lastSegment, lastPosition));
                for (PendingAppend p = pending.peek(); p != null && p.endOffset <= target; p = pending.peek()) {
                    pending.poll();
                    done.add(p.durable);
                }
            }
        } finally {
            flushLock.unlock();
        }
        for (CompletableFuture<Long> f : done) {
            f.complete(target);
        }
        highWatermark.releaseWaiters();
    }

    /** Guarded by flushLock. The checkpoint is rewritten only when the recovery point enters another segment. */
    private void moveRecoveryPoint(long offset, LogSegment holding) throws IOException {
        recoveryPoint = offset;
        if (holding.baseOffset() != checkpointedRecoverySegment) {
            recoveryCheckpoint.write(offset);
            checkpointedRecoverySegment = holding.baseOffset();
        }
    }

    /** Guarded by flushLock: an fsync failed, so nothing written since the last good one may be acknowledged. */
    private void failFlush(IOException e) {
        StorageException failed = new StorageException("fsync of the log of " + partition + " in " + dir
                + " failed: " + e + ". Unacknowledged appends are failed; reopen the log once the disk is healthy", e);
        failure = failed;
        LOG.error("{}: {}", partition, failed.getMessage());
        for (PendingAppend p = pending.poll(); p != null; p = pending.poll()) {
            p.durable.completeExceptionally(failed);
        }
    }

    // ---------------------------------------------------------------- read

    @Override
    public LogReadResult read(long startOffset, int maxBytes, boolean minOneBatch) {
        HighWatermark.Position hw = highWatermark.current();
        long start = logStartOffset;
        if (startOffset < start || startOffset > hw.offset()) {
            throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for " + partition
                    + ": the log holds offsets " + start + " to " + (hw.offset() - 1) + " (high watermark "
                    + hw.offset() + "); seek to an offset in that range (or reset to earliest/latest)");
        }
        if (closed) {
            throw new BusClosedException("The log of " + partition + " is closed");
        }
        if (startOffset == hw.offset() || (maxBytes <= 0 && !minOneBatch)) {
            return new LogReadResult(MemoryRecords.EMPTY, hw.offset(), start);
        }
        try {
            for (LogSegment segment : segments.from(startOffset)) {
                if (segment.baseOffset() >= hw.offset()) {
                    break;
                }
                boolean last = segment == hw.segment();
                int maxPosition = last ? hw.filePosition() : segment.size();
                Records records = segment.read(startOffset, Math.max(maxBytes, 0), maxPosition, minOneBatch);
                if (records != null) {
                    return new LogReadResult(records, hw.offset(), start);
                }
                if (last) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new StorageException("Reading " + partition + " at offset " + startOffset + " failed: " + e, e);
        }
        return new LogReadResult(MemoryRecords.EMPTY, hw.offset(), start);
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return logEndOffset;
    }

    @Override
    public long highWatermark() {
        return highWatermark.offset();
    }

    @Override
    public long offsetForTimestamp(long timestamp) {
        HighWatermark.Position hw = highWatermark.current();
        long start = logStartOffset;
        for (LogSegment segment : segments.all()) {
            if (segment.baseOffset() >= hw.offset()) {
                break;
            }
            if (segment.maxTimestamp() < timestamp) {
                continue;
            }
            FileRecords.TimestampAndOffset found = segment.findOffsetByTimestamp(timestamp, start);
            if (found != null) {
                return found.offset < hw.offset() ? found.offset : -1;
            }
        }
        return -1;
    }

    @Override
    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    @Override
    public CompletableFuture<Void> awaitHighWatermarkAbove(long offset) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        return highWatermark.awaitAbove(offset);
    }

    // ---------------------------------------------------------------- retention and compaction

    @Override
    public int applyRetention(long nowMs) {
        TopicConfig cfg = config;
        if (!cfg.deletesOldSegments() || closed) {
            return 0;
        }
        synchronized (maintenanceLock) {
            List<LogSegment> expired = LogRetention.expiredSegments(this, cfg, nowMs);
            if (expired.isEmpty()) {
                return 0;
            }
            LogSegment firstKept = segments.higher(expired.get(expired.size() - 1));
            long newStart = Math.max(logStartOffset, firstKept.baseOffset());
            try {
                logStartCheckpoint.write(newStart);
            } catch (IOException e) {
                throw new StorageException("Cannot write the log start checkpoint of " + partition + ": " + e, e);
            }
            logStartOffset = newStart;
            removeSegments(expired);
            LOG.info("{}: retention deleted {} segment(s); log start is now {}", partition, expired.size(), newStart);
            return expired.size();
        }
    }

    @Override
    public void compact(long nowMs) {
        if (!config.compacted() || closed) {
            return;
        }
        synchronized (maintenanceLock) {
            cleaner.clean(config, nowMs);
        }
    }

    /**
     * Takes segments out of the log (retention, compaction): renamed to {@code .deleted} at once, closed and deleted
     * after {@link #FILE_DELETE_DELAY_MS} so reads already holding their files finish. Caller holds maintenanceLock.
     */
    void removeSegments(List<LogSegment> removed) {
        flushLock.lock();
        try {
            ensureOpenForMaintenance();
            for (LogSegment s : removed) {
                s.renameFiles(LogFiles.DELETED_SUFFIX);
            }
            LogFiles.fsyncDirectory(dir);
            for (LogSegment s : removed) {
                segments.remove(s);
                removedSegments.add(s);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot remove segments of " + partition + " in " + dir + ": " + e, e);
        } finally {
            flushLock.unlock();
        }
        scheduleDeletion(removed);
    }

    /**
     * Replaces {@code old} by its compacted copy, whose records file is the complete {@code <base>.log.swap}: the
     * original's files become {@code .deleted}, the swap file becomes {@code <base>.log}, and readers switch to the
     * copy atomically. A crash at any point is finished by the loader (a {@code .swap} file wins). Caller holds
     * maintenanceLock.
     */
    void swapSegment(LogSegment old, LogSegment compacted) {
        flushLock.lock();
        try {
            ensureOpenForMaintenance();
            old.renameFiles(LogFiles.DELETED_SUFFIX);
            compacted.records().renameTo(LogFiles.logFile(dir, compacted.baseOffset()).toFile());
            LogFiles.fsyncDirectory(dir);
            segments.replace(old, compacted);
            highWatermark.replaceSegment(old, compacted);
            removedSegments.add(old);
            compacted.flush(true);
        } catch (IOException e) {
            throw new StorageException("Cannot swap in the compacted segment " + compacted.file() + " of " + partition
                    + ": " + e + ". The next open finishes the swap", e);
        } finally {
            flushLock.unlock();
        }
        scheduleDeletion(List.of(old));
    }

    private void ensureOpenForMaintenance() {
        if (closed) {
            throw new BusClosedException("The log of " + partition + " is closed");
        }
    }

    private void scheduleDeletion(List<LogSegment> removed) {
        try {
            scheduler.schedule(() -> deleteRemoved(removed), FILE_DELETE_DELAY_MS);
        } catch (RuntimeException e) {
            LOG.debug("{}: scheduler stopped; removed segments are deleted at close", partition);
        }
    }

    private void deleteRemoved(List<LogSegment> removed) {
        flushLock.lock();
        try {
            for (LogSegment s : removed) {
                if (removedSegments.remove(s)) {
                    closeAndDeleteQuietly(s);
                }
            }
        } finally {
            flushLock.unlock();
        }
    }

    private void closeAndDeleteQuietly(LogSegment s) {
        try {
            s.closeAndDelete();
        } catch (IOException e) {
            LOG.warn("{}: could not delete {}: {}", partition, s.file(), e.toString());
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            appendLock.unlock();
        }
        if (intervalFlush != null) {
            intervalFlush.cancel(false);
        }
        List<CompletableFuture<Long>> done = new ArrayList<>();
        StorageException error = null;
        flushLock.lock();
        try {
            removedSegments.forEach(this::closeAndDeleteQuietly);
            removedSegments.clear();
            try {
                if (failure == null) {
                    for (LogSegment s : segments.from(recoveryPoint)) {
                        s.records().flush();
                    }
                }
                for (LogSegment s : segments.all()) {
                    s.close(failure == null);
                }
                if (failure == null) {
                    recoveryCheckpoint.write(logEndOffset);
                    highWatermark.advanceTo(new HighWatermark.Position(logEndOffset, active, active.size()));
                    for (PendingAppend p = pending.poll(); p != null; p = pending.poll()) {
                        done.add(p.durable);
                    }
                    new CleanShutdownFile(dir).write();
                }
            } catch (IOException e) {
                error = new StorageException("Closing the log of " + partition + " failed: " + e
                        + ". It will be recovered on the next open", e);
                for (PendingAppend p = pending.poll(); p != null; p = pending.poll()) {
                    p.durable.completeExceptionally(error);
                }
            }
        } finally {
            flushLock.unlock();
        }
        long end = logEndOffset;
        done.forEach(f -> f.complete(end));
        highWatermark.close();
        if (ownsScheduler) {
            scheduler.close();
        }
        if (error != null) {
            throw error;
        }
    }

    @Override
    public void delete() {
        try {
            close();
        } catch (StorageException e) {
            LOG.warn("{}: close before delete failed: {}", partition, e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            LogFiles.fsyncDirectory(dir.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new StorageException("Cannot delete the log directory " + dir + " of " + partition + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "SegmentedLog(" + partition + ", " + dir + ", start " + logStartOffset + ", end " + logEndOffset
                + ", hw " + highWatermark.offset() + ")";
    }
}
