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
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link PartitionLog} on local disk: segment files in one directory (see {@link LogFiles}), appends to the last
 * (active) segment, fsyncs by the durability policy ({@link LogFlusher}), retention ({@link LogRetention}) and
 * compaction ({@link LogCleaner}) on closed segments; opening runs {@link LogLoader}.
 *
 * <p>Locks, always taken in this order: {@code maintenanceLock} (retention, compaction: one at a time), the flush
 * lock (fsyncs, the recovery point, removing segment files, close), {@code appendLock} (the log end, the active
 * segment, rolling). Reads take no lock: they see the segment map and the high watermark published by the writers.
 * Thread-safe.
 */
final class SegmentedLog implements PartitionLog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);

    private final Path dir;
    private final TopicPartition partition;
    private final LogOptions options;
    private final LogScheduler scheduler;
    private final boolean ownsScheduler;
    private final LongSupplier clock;
    private final LogSegments segments;
    private final HighWatermark highWatermark;
    private final OffsetCheckpointFile logStartCheckpoint;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Object maintenanceLock = new Object();
    private final LogFlusher flusher;
    /** Guards segment file removal and close against flushes (the flusher's lock). */
    private final ReentrantLock flushLock;
    private final DelayedSegmentDeletion deletion;
    private final LogCleaner cleaner;
    /** The bus's journal (FSYNC only), or null; and this log's name in it. */
    private final LogJournal journal;
    private final byte[] journalKey;

    private volatile TopicConfig config;
    private volatile LogSegment active;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile boolean closed;

    SegmentedLog(Path dir, TopicPartition partition, TopicConfig config, LogOptions options, LogScheduler scheduler,
                 boolean ownsScheduler, LongSupplier clock, LogJournal journal) throws IOException {
        this.dir = dir;
        this.journal = journal;
        String journalName = dir.getFileName().toString();
        this.journalKey = journalName.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean newLog = !Files.isDirectory(dir);
        this.partition = partition;
        this.config = config;
        this.options = options;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.clock = clock;
        LogLoader.LoadedLog loaded = new LogLoader(dir, partition, config, options,
                clock.getAsLong(), journal != null).load();
        this.segments = loaded.segments();
        this.active = segments.last();
        this.logEndOffset = active.nextOffset();
        this.logStartOffset = loaded.logStartOffset();
        this.logStartCheckpoint = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.LOG_START_OFFSET));
        this.highWatermark = new HighWatermark(new HighWatermark.Position(logEndOffset, active, active.size()));
        this.flusher = new LogFlusher(partition, segments, highWatermark, this::logEndPosition,
                new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.RECOVERY_POINT)), options, scheduler,
                loaded.recoveryPoint(), journal);
        this.flushLock = flusher.lock();
        this.deletion = new DelayedSegmentDeletion(partition, scheduler, flushLock);
        this.cleaner = new LogCleaner(this, options.cleanerDedupeBufferBytes());
        if (journal != null) {
            replay(journal.claim(journalName, newLog));
            journal.attach(flusher);
        }
        preallocate(active, config);
    }

    /**
     * Appends what the journal holds past the recovered log end (records whose segment writes a crash lost), then
     * fsyncs them. Entries below the log end are in the segments already.
     */
    private void replay(List<MemoryRecords> entries) throws IOException {
        long from = logEndOffset;
        for (MemoryRecords entry : entries) {
            for (MutableRecordBatch batch : entry.batches()) {
                if (batch.lastOffset() < logEndOffset) {
                    continue;
                }
                if (batch.baseOffset() != logEndOffset) {
                    throw new CorruptLogException(dir, 0, logEndOffset, "the log journal holds offsets from "
                            + batch.baseOffset() + " on, but the log recovered from its segments ends at " + logEndOffset
                            + ": the records in between are in neither");
                }
                ByteBuffer copy = ByteBuffer.allocate(batch.sizeInBytes());
                batch.writeTo(copy);
                appendReplayed(MemoryRecords.readableRecords(copy.flip()));
            }
        }
        if (logEndOffset > from) {
            flusher.flushReplayed();
            LOG.info("{}: replayed offsets {} to {} from the log journal", partition, from, logEndOffset - 1);
        }
    }

    private void appendReplayed(MemoryRecords records) throws IOException {
        TopicConfig cfg = config;
        BatchValidator.ValidatedBatches batches = BatchValidator.validate(partition, records, Integer.MAX_VALUE);
        appendLock.lock();
        try {
            LogSegment segment = maybeRoll(cfg, batches);
            long next = assignOffsets(records, logEndOffset);
            segment.append(records);
            logEndOffset = next;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Keeps zeros ahead of the active segment's records under FSYNC ({@link SegmentPreallocation}), unless the segment
     * is too small for it to matter (under four chunks: tests' tiny segments would fill each roll for nothing).
     */
    private void preallocate(LogSegment segment, TopicConfig cfg) {
        int chunk = options.preallocateBytes();
        if (options.durability() == Durability.FSYNC && chunk > 0 && cfg.segmentBytes() >= 4L * chunk) {
            segment.startPreallocation(scheduler, chunk, cfg.segmentBytes());
        }
    }

    /** The log end with the active segment and its size, read together. */
    private HighWatermark.Position logEndPosition() {
        appendLock.lock();
        try {
            return new HighWatermark.Position(logEndOffset, active, active.size());
        } finally {
            appendLock.unlock();
        }
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
        return flusher.fsyncRounds();
    }

    /** How long the next group commit would wait before its fsync: zero unless appends are pipelined. */
    long commitDelayNanos() {
        return flusher.commitDelayNanos();
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
                throw undoFailedAppend(segment, sizeBefore, e, segment.file());
            }
            long journalEnd = 0;
            if (journal != null) {
                try {
                    journalEnd = journal.append(journalKey, records);
                } catch (IOException e) {
                    throw undoFailedAppend(segment, sizeBefore, e, journal.dir());
                }
            }
            logEndOffset = nextOffset;
            HighWatermark.Position end = new HighWatermark.Position(nextOffset, segment, segment.size());
            if (fsync) {
                flusher.awaitFsync(end, journalEnd, durable);
            } else {
                highWatermark.advanceTo(end);
            }
        } finally {
            appendLock.unlock();
        }
        if (fsync) {
            flusher.requestFlush();
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
        StorageException failed = flusher.failure();
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

    private StorageException undoFailedAppend(LogSegment segment, int sizeBefore, IOException cause, Path writing) {
        try {
            segment.truncateTo(sizeBefore);
        } catch (IOException e) {
            cause.addSuppressed(e);
            StorageException failed = new StorageException("The log of " + partition + " could not undo a failed "
                    + "append in " + segment.file() + ": reopen the log once the disk is healthy", cause);
            flusher.fail(failed);
            return failed;
        }
        return new StorageException("Append to " + partition + " failed writing " + writing + ": " + cause
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
        preallocate(next, cfg);
        segments.put(next);
        active = next;
        LOG.debug("{}: rolled to segment {}", partition, next.file());
        return next;
    }

    // ---------------------------------------------------------------- read

    @Override
    public LogReadResult read(long startOffset, int maxBytes, boolean minOneBatch) {
        return read(startOffset, maxBytes, minOneBatch, true);
    }

    @Override
    public LogReadResult readSlice(long startOffset, int maxBytes, boolean minOneBatch) {
        return read(startOffset, maxBytes, minOneBatch, false);
    }

    private LogReadResult read(long startOffset, int maxBytes, boolean minOneBatch, boolean wholeBatches) {
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
                Records records = segment.read(startOffset, Math.max(maxBytes, 0), maxPosition, minOneBatch,
                        wholeBatches);
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
    public FileRecords.TimestampAndOffset maxTimestampOffset() {
        HighWatermark.Position hw = highWatermark.current();
        long start = logStartOffset;
        LogSegment best = null;
        for (LogSegment segment : segments.all()) {
            if (segment.baseOffset() >= hw.offset()) {
                break;
            }
            if (best == null || segment.maxTimestamp() > best.maxTimestamp()) {
                best = segment;
            }
        }
        if (best == null || start >= hw.offset()) {
            return null;
        }
        // the segment's index knows its largest timestamp, not which record has it: scan that segment's batches
        Records records = read(Math.max(start, best.baseOffset()), Integer.MAX_VALUE, true).records();
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        long offset = -1;
        for (RecordBatch batch : records.batches()) {
            if (batch.maxTimestamp() <= maxTimestamp) {
                continue;
            }
            for (org.apache.kafka.common.record.Record record : batch) {
                if (record.offset() >= start && record.offset() < hw.offset() && record.timestamp() > maxTimestamp) {
                    maxTimestamp = record.timestamp();
                    offset = record.offset();
                }
            }
        }
        return offset < 0 ? null : new FileRecords.TimestampAndOffset(maxTimestamp, offset, java.util.Optional.empty());
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
    public long deleteRecordsBefore(long offset) {
        synchronized (maintenanceLock) {
            ensureOpenForMaintenance();
            long hw = highWatermark.offset();
            if (offset < 0 || offset > hw) {
                throw new OffsetOutOfRangeException("Cannot delete the records of " + partition + " before offset "
                        + offset + ": use an offset from " + logStartOffset + " to the high watermark " + hw);
            }
            if (offset <= logStartOffset) {
                return logStartOffset;
            }
            try {
                logStartCheckpoint.write(offset); // durable first: a restart never brings the records back
            } catch (IOException e) {
                throw new StorageException("Cannot write the log start checkpoint of " + partition + ": " + e, e);
            }
            logStartOffset = offset;
            List<LogSegment> below = new ArrayList<>();
            for (LogSegment s : segments.all()) {
                LogSegment next = segments.higher(s);
                if (next == null || next.baseOffset() > offset) {
                    break;
                }
                below.add(s);
            }
            if (!below.isEmpty()) {
                removeSegments(below);
            }
            LOG.info("{}: records before {} deleted; {} whole segment(s) removed", partition, offset, below.size());
            return offset;
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
     * later by {@link DelayedSegmentDeletion}. Caller holds maintenanceLock.
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
            }
            deletion.add(removed);
        } catch (IOException e) {
            throw new StorageException("Cannot remove segments of " + partition + " in " + dir + ": " + e, e);
        } finally {
            flushLock.unlock();
        }
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
            deletion.add(List.of(old));
            compacted.flush(true);
        } catch (IOException e) {
            throw new StorageException("Cannot swap in the compacted segment " + compacted.file() + " of " + partition
                    + ": " + e + ". The next open finishes the swap", e);
        } finally {
            flushLock.unlock();
        }
    }

    private void ensureOpenForMaintenance() {
        if (closed) {
            throw new BusClosedException("The log of " + partition + " is closed");
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        HighWatermark.Position end;
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            end = new HighWatermark.Position(logEndOffset, active, active.size());
        } finally {
            appendLock.unlock();
        }
        StorageException error = null;
        flushLock.lock();
        try {
            deletion.deleteAll();
            boolean flushed = flusher.flushForClose(end);
            for (LogSegment s : segments.all()) {
                s.close();
            }
            if (journal != null && flushed) {
                journal.logClosed(journalKey, flusher);
            }
            if (flushed) {
                new CleanShutdownFile(dir).write();
            }
        } catch (IOException e) {
            error = new StorageException("Closing the log of " + partition + " failed: " + e
                    + ". It will be recovered on the next open", e);
        } finally {
            if (journal != null) {
                journal.detach(flusher);
            }
            flushLock.unlock();
        }
        highWatermark.releaseWaiters();
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
        try {
            LogFiles.deleteRecursively(dir);
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
