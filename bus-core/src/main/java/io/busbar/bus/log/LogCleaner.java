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
import java.util.List;
import java.util.OptionalLong;

/**
 * Compaction of one log ({@code cleanup.policy=compact}), as Kafka's cleaner does it: keeps the latest record of each
 * key in the closed segments and removes tombstones (null values) {@code delete.retention.ms} after the pass that
 * first cleaned them. The active segment, the segment holding the high watermark and segments younger than
 * {@code min.compaction.lag.ms} are never touched. Records keep their offsets, so a compacted log has gaps.
 *
 * <p>A pass maps key → latest offset over the dirty part of the log (from where the last pass stopped) in a
 * {@link KeyOffsetMap} of bounded size ({@code busbar.log.cleaner.dedupe.buffer.size}); when the map fills, the pass
 * cleans what it covers and the next pass goes on from there, so any number of keys is cleaned in bounded memory.
 * Each segment up to there is rewritten with kafka-clients' {@link MemoryRecords#filterTo} into
 * {@code <base>.log.cleaned}, fsynced, renamed to {@code .swap} (the commit point) and swapped in by the log; appends
 * and reads go on meanwhile, because closed segments never change.
 *
 * <p>Tombstones: the first pass that keeps a tombstone stamps its batch with a delete horizon (now +
 * {@code delete.retention.ms}, in the batch header, as Kafka does since KIP-534); a later pass removes it once the
 * horizon has passed. Timing by the record's own timestamp instead would let a tombstone written with an old
 * timestamp vanish at once, before consumers had {@code delete.retention.ms} to see it.
 *
 * <p>Not thread-safe: the log runs it under its maintenance lock.
 */
final class LogCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final SegmentedLog log;
    private final long dedupeBufferBytes;
    /** Records below this offset were deduplicated by earlier passes. */
    private long firstDirtyOffset = -1;
    /** Earliest delete horizon of a tombstone kept by the last pass (-1: none): a pass is due then. */
    private long nextTombstoneExpiry = -1;

    LogCleaner(SegmentedLog log, long dedupeBufferBytes) {
        this.log = log;
        this.dedupeBufferBytes = dedupeBufferBytes;
    }

    /**
     * Cleans when closed segments hold records no pass has deduplicated yet or a kept tombstone's horizon passed;
     * returns the number of segments rewritten. One call is one pass: a log with more keys than the map holds needs
     * several.
     */
    int clean(TopicConfig config, long nowMs) {
        List<LogSegment> cleanable = cleanableSegments(config, nowMs);
        if (cleanable.isEmpty()) {
            return 0;
        }
        long end = cleanable.get(cleanable.size() - 1).nextOffset();
        boolean dirty = end > firstDirtyOffset;
        boolean tombstoneExpired = nextTombstoneExpiry >= 0 && nowMs >= nextTombstoneExpiry;
        if (!dirty && !tombstoneExpired) {
            return 0;
        }
        try {
            long dirtyStart = Math.max(firstDirtyOffset, cleanable.get(0).baseOffset());
            KeyOffsetMap map = new KeyOffsetMap(dedupeBufferBytes, Math.max(0, end - dirtyStart));
            long stop = dirty ? buildMap(cleanable, dirtyStart, end, map) : end;
            RecordFilter filter = new RecordFilter(nowMs, config.deleteRetentionMs(), map);
            int rewritten = 0;
            int visited = 0;
            for (LogSegment segment : cleanable) {
                if (segment.baseOffset() >= stop) {
                    break;
                }
                visited++;
                if (cleanSegment(segment, filter, config)) {
                    rewritten++;
                }
            }
            firstDirtyOffset = stop;
            nextTombstoneExpiry = filter.earliestHorizon;
            if (rewritten > 0 || stop < end) {
                LOG.info("{}: compaction rewrote {} of {} segment(s) ({} keys{})", log.topicPartition(), rewritten,
                        visited, map.size(), stop < end ? "; key map full at offset " + stop + ", the next pass goes on" : "");
            }
            return rewritten;
        } catch (IOException e) {
            throw new io.busbar.bus.StorageException("Compaction of " + log.topicPartition() + " failed: " + e
                    + ". The log is unchanged; the next pass retries", e);
        }
    }

    /**
     * Fills {@code map} with the latest offset of each key from {@code dirtyStart} on, a whole segment at a time while
     * one fits; returns the offset the map covers up to (exclusive).
     */
    private static long buildMap(List<LogSegment> segments, long dirtyStart, long end, KeyOffsetMap map) {
        for (LogSegment segment : segments) {
            if (segment.nextOffset() <= dirtyStart) {
                continue;
            }
            long from = Math.max(segment.baseOffset(), dirtyStart);
            boolean wholeSegmentFits = map.hasRoomFor(segment.nextOffset() - from);
            if (!wholeSegmentFits && map.size() > 0) {
                return from;
            }
            for (FileChannelRecordBatch batch : segment.records().batches()) {
                if (batch.isControlBatch() || batch.lastOffset() < from) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() >= from && record.hasKey() && !map.put(record.key(), record.offset())) {
                        return record.offset(); // a segment larger than the whole map: clean part of it
                    }
                }
            }
        }
        return end;
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
                filter.stampedHorizon = false;
                MemoryRecords.FilterResult result = MemoryRecords.readableRecords(in).filterTo(tp, filter, out,
                        Integer.MAX_VALUE, BufferSupplier.NO_CACHING);
                if (result.messagesRetained() < result.messagesRead() || filter.stampedHorizon) {
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

    /**
     * Keeps a keyed record only if it is the latest of its key, and a tombstone until the delete horizon stamped on
     * its batch (filterTo stamps batches whose tombstones have none yet with now + delete.retention.ms).
     */
    private static final class RecordFilter extends MemoryRecords.RecordFilter {
        private final KeyOffsetMap latest;
        private final long nowMs;
        private final long deleteRetentionMs;
        long earliestHorizon = -1;
        /** Set when a batch of the current filterTo call keeps a tombstone that has no horizon yet. */
        boolean stampedHorizon;

        RecordFilter(long nowMs, long deleteRetentionMs, KeyOffsetMap latest) {
            super(nowMs, deleteRetentionMs);
            this.latest = latest;
            this.nowMs = nowMs;
            this.deleteRetentionMs = deleteRetentionMs;
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
            long latestOffset = latest.get(record.key());
            if (latestOffset >= 0 && record.offset() < latestOffset) {
                return false;
            }
            if (!record.hasValue()) {
                OptionalLong horizon = batch.deleteHorizonMs();
                long expiry;
                if (horizon.isPresent()) {
                    if (nowMs >= horizon.getAsLong()) {
                        return false;
                    }
                    expiry = horizon.getAsLong();
                } else {
                    stampedHorizon = true;
                    expiry = nowMs + deleteRetentionMs;
                }
                earliestHorizon = earliestHorizon < 0 ? expiry : Math.min(earliestHorizon, expiry);
            }
            return true;
        }
    }
}
