package io.busbar.bus.log;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * One segment of a partition log: the records file ({@code <base>.log}, whole v2 batches back to back) with its
 * sparse offset and time indexes. Offsets in a segment strictly increase and are at least its base offset; gaps
 * appear only after compaction.
 *
 * <p>Thread-safety: one appender at a time (the log's append lock), reads concurrently with it. Reads are bounded
 * by a position the caller got from the high watermark, so they never see a batch still being written.
 */
final class LogSegment {
    private final Path dir;
    private final long baseOffset;
    private final FileRecords records;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private int bytesSinceLastIndexEntry;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private long offsetOfMaxTimestamp;
    private volatile long nextOffset;
    /** Start of the segment's age for {@code segment.ms}: its creation, or for a loaded segment its first record's time. */
    private volatile long rollBaseTimeMs;
    /** Index files on disk match the in-memory indexes (the segment is closed for appends and they were written). */
    private volatile boolean indexesPersisted;
    /** Size of the records file at the last fsync, -1 when unknown. */
    private volatile int flushedSize = -1;
    /** Zero-filled space ahead of the records while the segment is active under FSYNC, else null. */
    private volatile SegmentPreallocation preallocation;
    /** The file was trimmed to its records since the last fsync: the next flush must sync the new size. */
    private volatile boolean trimUnsynced;

    private LogSegment(Path dir, long baseOffset, FileRecords records, int indexIntervalBytes, long rollBaseTimeMs) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.records = records;
        this.offsetIndex = new OffsetIndex(baseOffset);
        this.timeIndex = new TimeIndex(baseOffset);
        this.indexIntervalBytes = indexIntervalBytes;
        this.nextOffset = baseOffset;
        this.rollBaseTimeMs = rollBaseTimeMs;
    }

    /** Creates an empty segment file (the caller fsyncs the directory). */
    static LogSegment create(Path dir, long baseOffset, int indexIntervalBytes, long nowMs) throws IOException {
        Path file = LogFiles.logFile(dir, baseOffset);
        Files.deleteIfExists(LogFiles.offsetIndexFile(dir, baseOffset));
        Files.deleteIfExists(LogFiles.timeIndexFile(dir, baseOffset));
        FileRecords records = FileRecords.open(file.toFile(), true, false, 0, false);
        return new LogSegment(dir, baseOffset, records, indexIntervalBytes, nowMs);
    }

    /** Creates an empty {@code <base>.log.cleaned} file for the compacted copy of the segment at {@code baseOffset}. */
    static LogSegment createCleaned(Path dir, long baseOffset, int indexIntervalBytes, long rollBaseTimeMs) throws IOException {
        Path file = dir.resolve(LogFiles.logFile(dir, baseOffset).getFileName() + LogFiles.CLEANED_SUFFIX);
        Files.deleteIfExists(file);
        FileRecords records = FileRecords.open(file.toFile(), true, false, 0, false);
        return new LogSegment(dir, baseOffset, records, indexIntervalBytes, rollBaseTimeMs);
    }

    /** Opens an existing segment file without reading it; the loader then loads or rebuilds its indexes. */
    static LogSegment open(Path dir, long baseOffset, int indexIntervalBytes, long nowMs) throws IOException {
        FileRecords records = FileRecords.open(LogFiles.logFile(dir, baseOffset).toFile(), true, true, 0, false);
        return new LogSegment(dir, baseOffset, records, indexIntervalBytes, nowMs);
    }

    long baseOffset() {
        return baseOffset;
    }

    /** Offset after the last batch; the base offset when empty. */
    long nextOffset() {
        return nextOffset;
    }

    int size() {
        return records.sizeInBytes();
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    long rollBaseTimeMs() {
        return rollBaseTimeMs;
    }

    Path file() {
        return records.file().toPath();
    }

    FileRecords records() {
        return records;
    }

    /** Whether {@code offset} fits the 32-bit relative offsets of the indexes. */
    boolean canHoldOffset(long offset) {
        return offset - baseOffset <= Integer.MAX_VALUE;
    }

    /**
     * Appends batches that already carry their final offsets (called under the log's append lock). Indexes and
     * offsets move only after the write succeeded; on failure the caller truncates back to the previous size.
     */
    void append(MemoryRecords batches) throws IOException {
        int position = records.sizeInBytes();
        SegmentPreallocation zeros = preallocation;
        if (zeros != null) {
            zeros.beforeAppend((long) position + batches.sizeInBytes());
        }
        records.append(batches);
        if (zeros != null) {
            zeros.afterAppend(records.sizeInBytes());
        }
        for (RecordBatch batch : batches.batches()) {
            if (batch.maxTimestamp() > maxTimestamp) {
                maxTimestamp = batch.maxTimestamp();
                offsetOfMaxTimestamp = batch.lastOffset();
            }
            if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                offsetIndex.append(batch.lastOffset(), position);
                timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
                bytesSinceLastIndexEntry = 0;
            }
            position += batch.sizeInBytes();
            bytesSinceLastIndexEntry += batch.sizeInBytes();
            nextOffset = batch.lastOffset() + 1;
        }
    }

    /**
     * Undoes a failed append or drops a damaged tail: cuts the file at {@code size} (indexes were not yet touched). A
     * failed append (usually a full disk) also ends the zero-filling ahead of the records.
     */
    void truncateTo(int size) throws IOException {
        endPreallocation();
        records.truncateTo(size);
    }

    /**
     * Starts keeping zero-filled space ahead of the records ({@link SegmentPreallocation}); called when the segment
     * becomes the active one, before its next append.
     */
    void startPreallocation(LogScheduler scheduler, int chunk, int capacity) {
        preallocation = new SegmentPreallocation(records.channel(), file(), records::sizeInBytes, chunk, capacity,
                scheduler);
    }

    /** The end of the zero-filled space, or the records' end when nothing is preallocated (for tests). */
    long preallocatedEnd() {
        SegmentPreallocation zeros = preallocation;
        return zeros == null ? records.sizeInBytes() : Math.max(records.sizeInBytes(), zeros.zeroedEnd());
    }

    /** Ends the zero-filling, if any; returns once no zeros are being written. Returns whether there was any. */
    private boolean endPreallocation() {
        SegmentPreallocation zeros = preallocation;
        if (zeros == null) {
            return false;
        }
        zeros.stop();
        preallocation = null;
        return true;
    }

    /**
     * Ends the zero-filling and cuts the zeros off the file, so that the file ends with its last record again (its
     * next {@link #flush} syncs the new size). Called once the segment is no longer active, and at close.
     */
    private void trimPreallocation() throws IOException {
        if (endPreallocation() && records.channel().size() > records.sizeInBytes()) {
            records.trim();
            trimUnsynced = true;
        }
    }

    /**
     * The records starting with the batch holding {@code startOffset} (or the first after it, across a compaction
     * gap), up to {@code maxBytes} but at least that batch when {@code minOneBatch}, ending at or before
     * {@code maxPosition}. With {@code wholeBatches} the read ends after the last batch that fits; without, it is the
     * byte slice up to the limit, which may end inside a batch ({@link PartitionLog#readSlice}). Null when no batch at
     * or after {@code startOffset} lies before {@code maxPosition}.
     */
    Records read(long startOffset, int maxBytes, int maxPosition, boolean minOneBatch, boolean wholeBatches)
            throws IOException {
        int from = offsetIndex.lookup(startOffset);
        int start = -1;
        int end = -1;
        for (FileChannelRecordBatch batch : records.batchesFrom(from)) {
            int position = batch.position();
            if (position >= maxPosition) {
                break;
            }
            if (start < 0) {
                if (batch.lastOffset() < startOffset) {
                    continue;
                }
                start = position;
                if (!wholeBatches) {
                    int first = batch.sizeInBytes();
                    if (first > maxBytes && !minOneBatch) {
                        return MemoryRecords.EMPTY;
                    }
                    // no further batch header is read: the slice's end is arithmetic, as in Kafka's LogSegment.read
                    return records.slice(start, Math.min(maxPosition - start, Math.max(maxBytes, first)));
                }
            }
            int batchEnd = position + batch.sizeInBytes();
            if (batchEnd - start > maxBytes && (end >= 0 || !minOneBatch)) {
                break;
            }
            end = batchEnd;
        }
        if (start < 0) {
            return null;
        }
        if (end < 0) {
            return MemoryRecords.EMPTY;
        }
        return records.slice(start, end - start);
    }

    /** The first record at or after {@code timestamp} and at or after {@code startOffset}, or null. */
    FileRecords.TimestampAndOffset findOffsetByTimestamp(long timestamp, long startOffset) {
        long from = Math.max(timeIndex.lookup(timestamp), startOffset);
        int position = offsetIndex.lookup(from);
        return records.searchForTimestamp(timestamp, position, startOffset);
    }

    /**
     * Called when the segment stops being active: records the entry for its largest timestamp so the time index
     * ends with the segment's newest timestamp.
     */
    void onBecomeInactive() {
        if (maxTimestamp >= 0) {
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
        }
    }

    /**
     * fsyncs the records file (unless nothing was written since the last time) and, for an inactive segment, writes
     * and fsyncs its index files (once). The records file is synced with fdatasync ({@code force(false)}): it writes
     * the data and the metadata needed to read it back (the file size, the block map) but not the timestamps, one
     * inode write less per group commit than fsync when only the times changed.
     */
    void flush(boolean inactive) throws IOException {
        if (inactive) {
            trimPreallocation();
        }
        int size = records.sizeInBytes();
        // fdatasync syncs a size change, a trim included (it is needed to read the file back)
        if (size != flushedSize || trimUnsynced) {
            trimUnsynced = false;
            records.channel().force(false);
            flushedSize = size;
        }
        if (inactive && !indexesPersisted) {
            writeIndexes();
        }
    }

    private void writeIndexes() throws IOException {
        offsetIndex.writeTo(LogFiles.offsetIndexFile(dir, baseOffset));
        timeIndex.writeTo(LogFiles.timeIndexFile(dir, baseOffset));
        indexesPersisted = true;
    }

    /**
     * Loads the index files of a segment the loader trusts (below the recovery point or after a clean shutdown),
     * rebuilding them from the records when they are missing or fail the sanity check, and finds the next offset.
     * Returns null when the index files were good, else the result of the rebuilding scan.
     */
    RecoveryScan loadTrusted(boolean contiguous) throws IOException {
        int size = records.sizeInBytes();
        boolean offsetsOk = offsetIndex.loadFrom(LogFiles.offsetIndexFile(dir, baseOffset), Math.max(size, 1));
        if (!offsetsOk && size > 0) {
            return recover(contiguous);
        }
        long last = baseOffset - 1;
        try {
            for (FileChannelRecordBatch batch : records.batchesFrom(offsetIndex.lastPosition())) {
                last = batch.lastOffset();
            }
        } catch (CorruptRecordException e) {
            // not a file this log closed or rolled (those end with their last batch): zeros a trim did not keep, or damage
            return recover(contiguous);
        }
        nextOffset = size == 0 ? baseOffset : last + 1;
        bytesSinceLastIndexEntry = size - offsetIndex.lastPosition();
        boolean timesOk = timeIndex.loadFrom(LogFiles.timeIndexFile(dir, baseOffset), nextOffset);
        if (!timesOk || (timeIndex.entries() == 0 && size > 0)) {
            return recover(contiguous);
        }
        maxTimestamp = timeIndex.lastTimestamp();
        offsetOfMaxTimestamp = timeIndex.lookup(maxTimestamp + 1);
        indexesPersisted = true;
        return null;
    }

    /**
     * Rebuilds the indexes by reading every batch and checking its CRC, stopping at the first batch that fails.
     * Does not truncate: the loader decides whether invalid bytes are a torn tail or corruption.
     */
    RecoveryScan recover(boolean contiguous) throws IOException {
        offsetIndex.clear();
        timeIndex.clear();
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        indexesPersisted = false;
        int validBytes = 0;
        long next = baseOffset;
        String problem = null;
        try {
            for (FileChannelRecordBatch batch : records.batches()) {
                String invalid = check(batch, next, contiguous);
                if (invalid != null) {
                    problem = invalid;
                    break;
                }
                if (batch.maxTimestamp() > maxTimestamp) {
                    maxTimestamp = batch.maxTimestamp();
                    offsetOfMaxTimestamp = batch.lastOffset();
                }
                if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                    offsetIndex.append(batch.lastOffset(), validBytes);
                    timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
                    bytesSinceLastIndexEntry = 0;
                }
                validBytes += batch.sizeInBytes();
                bytesSinceLastIndexEntry += batch.sizeInBytes();
                next = batch.lastOffset() + 1;
            }
        } catch (CorruptRecordException e) {
            problem = e.getMessage();
        }
        nextOffset = next;
        int size = records.sizeInBytes();
        boolean cutShort = problem == null && validBytes < size;
        if (cutShort) {
            problem = "a record batch is cut short by the end of the file";
        }
        return new RecoveryScan(validBytes, size, next, problem, cutShort);
    }

    /**
     * Why {@code batch} is invalid, or null. Offsets must continue from the previous batch: exactly when
     * {@code contiguous} (no compaction gaps possible), else at least.
     */
    private static String check(FileChannelRecordBatch batch, long expectedAtLeast, boolean contiguous) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            return "a record batch has magic " + batch.magic() + " (expected 2)";
        }
        try {
            batch.ensureValid();
        } catch (CorruptRecordException e) {
            return e.getMessage();
        }
        if (batch.baseOffset() < expectedAtLeast || batch.lastOffset() < batch.baseOffset()
                || (contiguous && batch.baseOffset() != expectedAtLeast)) {
            return "a record batch has offsets " + batch.baseOffset() + ".." + batch.lastOffset()
                    + " where offset " + expectedAtLeast + " was expected";
        }
        return null;
    }

    /**
     * The result of a recovery scan: {@code validBytes} of good batches, then (when {@code problem} is set) bytes
     * that failed the checks from that position on; {@code cutShort} when those bytes are a batch that the end of the
     * file cuts off (a write the crash tore: a file's size never shrinks by itself).
     */
    record RecoveryScan(int validBytes, int size, long nextOffset, String problem, boolean cutShort) {
        boolean clean() {
            return problem == null;
        }
    }

    /**
     * The segment became the log's active segment after a load: its index files are stale until it is closed or
     * rolled, and its age for {@code segment.ms} counts from its first batch (not from this open), as in Kafka.
     */
    void markActive() throws IOException {
        indexesPersisted = false;
        Iterator<FileChannelRecordBatch> batches = records.batches().iterator();
        if (batches.hasNext()) {
            long first = batches.next().maxTimestamp();
            if (first >= 0 && first < rollBaseTimeMs) {
                rollBaseTimeMs = first;
            }
        }
    }

    /** Renames the segment's files to {@code <name><suffix>} (the caller fsyncs the directory). */
    void renameFiles(String suffix) throws IOException {
        Path index = LogFiles.offsetIndexFile(dir, baseOffset);
        Path timeIdx = LogFiles.timeIndexFile(dir, baseOffset);
        if (Files.exists(index)) {
            LogFiles.rename(index, index.resolveSibling(index.getFileName() + suffix));
        }
        if (Files.exists(timeIdx)) {
            LogFiles.rename(timeIdx, timeIdx.resolveSibling(timeIdx.getFileName() + suffix));
        }
        Path log = LogFiles.logFile(dir, baseOffset);
        records.renameTo(log.resolveSibling(log.getFileName() + suffix).toFile());
    }

    /** At close: writes (and fsyncs) the index files unless they are already on disk. */
    void persistIndexes() throws IOException {
        if (!indexesPersisted) {
            onBecomeInactive();
            writeIndexes();
        }
    }

    /** Trims preallocated zeros and syncs that before closing (kafka-clients' close trims after its fsync). */
    void close() throws IOException {
        trimPreallocation();
        if (trimUnsynced) {
            records.channel().force(false);
            trimUnsynced = false;
        }
        records.close();
    }

    /** Closes and deletes the segment's files, whatever their suffix. */
    void closeAndDelete() throws IOException {
        endPreallocation();
        records.closeHandlers();
        Path current = records.file().toPath();
        String suffix = current.getFileName().toString().substring(LogFiles.baseName(baseOffset).length()
                + LogFiles.LOG_SUFFIX.length());
        Files.deleteIfExists(current);
        Files.deleteIfExists(dir.resolve(LogFiles.offsetIndexFile(dir, baseOffset).getFileName() + suffix));
        Files.deleteIfExists(dir.resolve(LogFiles.timeIndexFile(dir, baseOffset).getFileName() + suffix));
    }

    @Override
    public String toString() {
        return "LogSegment(" + file() + ", base " + baseOffset + ", next " + nextOffset + ", " + size() + " bytes)";
    }
}
