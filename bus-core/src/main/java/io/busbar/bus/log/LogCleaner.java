package io.busbar.bus.log;

import io.busbar.bus.TopicConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compaction of one log ({@code cleanup.policy=compact}): keeps the latest record of each key in the closed
 * segments, and drops tombstones (null values) whose timestamp is older than {@code delete.retention.ms}. The
 * active segment, the segment holding the high watermark and segments younger than {@code min.compaction.lag.ms}
 * are never touched. Records keep their offsets, so a compacted log has gaps.
 *
 * <p>Each segment is rewritten with kafka-clients' {@link MemoryRecords#filterTo} into {@code <base>.log.cleaned},
 * fsynced, renamed to {@code .swap} (the commit point) and swapped in by the log; appends and reads go on
 * meanwhile, because closed segments never change. The key map holds every key of the cleaned range in memory.
 *
 * <p>Not thread-safe: the log runs it under its maintenance lock.
 */
final class LogCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final SegmentedLog log;
    /** Segments below this offset were cleaned by the last pass and have not changed since. */
    private long firstDirtyOffset = -1;
    /** Oldest tombstone kept by the last pass (-1: none): a new pass may drop it once it is old enough. */
    private long oldestKeptTombstone = -1;

    LogCleaner(SegmentedLog log) {
        this.log = log;
    }

    /** Cleans when a closed segment changed since the last pass or a kept tombstone expired; returns segments rewritten. */
    int clean(TopicConfig config, long nowMs) {
        List<LogSegment> cleanable = cleanableSegments(config, nowMs);
        if (cleanable.isEmpty()) {
            return 0;
        }
        LogSegment last = cleanable.get(cleanable.size() - 1);
        long end = last.nextOffset();
        boolean dirty = end > firstDirtyOffset;
        boolean tombstoneExpired = oldestKeptTombstone >= 0 && oldestKeptTombstone < nowMs - config.deleteRetentionMs();
        if (!dirty && !tombstoneExpired) {
            return 0;
        }
        try {
            Map<ByteBuffer, Long> latest = latestOffsets(cleanable);
            RecordFilter filter = new RecordFilter(nowMs, config.deleteRetentionMs(), latest);
            int rewritten = 0;
            for (LogSegment segment : cleanable) {
                if (cleanSegment(segment, filter, config)) {
                    rewritten++;
                }
            }
            firstDirtyOffset = end;
            oldestKeptTombstone = filter.oldestKeptTombstone;
            if (rewritten > 0) {
                LOG.info("{}: compaction rewrote {} of {} segment(s) ({} keys)", log.topicPartition(), rewritten,
                        cleanable.size(), latest.size());
            }
            return rewritten;
        } catch (IOException e) {
            throw new io.busbar.bus.StorageException("Compaction of " + log.topicPartition() + " failed: " + e
                    + ". The log is unchanged; the next pass retries", e);
        }
    }

    private List<LogSegment> cleanableSegments(TopicConfig config, long nowMs) {
        List<LogSegment> cleanable = new ArrayList<>();
        LogSegment active = log.activeSegment();
        LogSegment highWatermarkSegment = log.highWatermarkPosition().segment();
        for (LogSegment s : log.segments().all()) {
            if (s == active || s == highWatermarkSegment
                    || (config.minCompactionLagMs() > 0 && s.maxTimestamp() > nowMs - config.minCompactionLagMs())) {
                break;
            }
            cleanable.add(s);
        }
        return cleanable;
    }

    private static Map<ByteBuffer, Long> latestOffsets(List<LogSegment> segments) {
        Map<ByteBuffer, Long> latest = new HashMap<>();
        for (LogSegment segment : segments) {
            for (FileChannelRecordBatch batch : segment.records().batches()) {
                if (batch.isControlBatch()) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.hasKey()) {
                        latest.put(copy(record.key()), record.offset());
                    }
                }
            }
        }
        return latest;
    }

    /** Writes the compacted copy of {@code segment} and swaps it in; false when compaction would not change it. */
    private boolean cleanSegment(LogSegment segment, RecordFilter filter, TopicConfig config) throws IOException {
        LogSegment cleaned = LogSegment.createCleaned(log.dir(), segment.baseOffset(), config.indexIntervalBytes(),
                segment.rollBaseTimeMs());
        boolean changed = false;
        try {
            TopicPartition tp = new TopicPartition(log.topicPartition().topic(), log.topicPartition().partition());
            for (FileChannelRecordBatch batch : segment.records().batches()) {
                ByteBuffer in = ByteBuffer.allocate(batch.sizeInBytes());
                batch.writeTo(in);
                in.flip();
                ByteBuffer out = ByteBuffer.allocate(batch.sizeInBytes());
                MemoryRecords.FilterResult result = MemoryRecords.readableRecords(in).filterTo(tp, filter, out,
                        Integer.MAX_VALUE, BufferSupplier.NO_CACHING);
                if (result.messagesRetained() < result.messagesRead()) {
                    changed = true;
                }
                ByteBuffer output = result.outputBuffer();
                output.flip();
                if (output.hasRemaining()) {
                    cleaned.append(MemoryRecords.readableRecords(output));
                }
            }
            if (!changed) {
                cleaned.closeAndDelete();
                return false;
            }
            cleaned.flush(false);
            cleaned.records().renameTo(log.dir().resolve(LogFiles.logFile(log.dir(), segment.baseOffset()).getFileName()
                    + LogFiles.SWAP_SUFFIX).toFile());
            LogFiles.fsyncDirectory(log.dir());
        } catch (IOException | RuntimeException e) {
            cleaned.closeAndDelete();
            throw e;
        }
        if (cleaned.size() == 0) {
            cleaned.closeAndDelete();
            LogFiles.fsyncDirectory(log.dir());
            log.removeSegments(List.of(segment));
        } else {
            log.swapSegment(segment, cleaned);
        }
        return true;
    }

    private static ByteBuffer copy(ByteBuffer key) {
        ByteBuffer copy = ByteBuffer.allocate(key.remaining());
        copy.put(key.duplicate());
        copy.flip();
        return copy;
    }

    /** Keeps a keyed record only if it is the latest of its key, and a tombstone only while it is young. */
    private static final class RecordFilter extends MemoryRecords.RecordFilter {
        private final Map<ByteBuffer, Long> latest;
        private final long tombstoneHorizon;
        long oldestKeptTombstone = -1;

        RecordFilter(long nowMs, long deleteRetentionMs, Map<ByteBuffer, Long> latest) {
            super(nowMs, deleteRetentionMs);
            this.latest = latest;
            this.tombstoneHorizon = nowMs - deleteRetentionMs;
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            return new BatchRetentionResult(BatchRetention.DELETE_EMPTY, false);
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (batch.isControlBatch() || !record.hasKey()) {
                return true;
            }
            Long latestOffset = latest.get(record.key());
            if (latestOffset != null && record.offset() < latestOffset) {
                return false;
            }
            if (!record.hasValue()) {
                if (record.timestamp() < tombstoneHorizon) {
                    return false;
                }
                if (oldestKeptTombstone < 0 || record.timestamp() < oldestKeptTombstone) {
                    oldestKeptTombstone = record.timestamp();
                }
            }
            return true;
        }
    }
}
