package io.busbar.bus.log;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;

import java.io.Closeable;
import java.util.concurrent.CompletableFuture;

/**
 * The durable log of one partition: an append-only sequence of Kafka v2 record batches in segment files named by
 * base offset, with sparse offset and time indexes.
 *
 * <p>Invariants: offsets strictly increase with no gaps created by appends; the high watermark is the offset after
 * the last <em>durable</em> record (under the bus's durability policy) and never moves backwards while open;
 * readers never see records at or past the high watermark.
 *
 * <p>Thread-safe: appends are totally ordered; reads run concurrently with appends.
 */
public interface PartitionLog extends Closeable {

    TopicPartition topicPartition();

    TopicConfig config();

    /** Applies new topic settings (retention, segment size, ...) from now on. */
    void updateConfig(TopicConfig config);

    /**
     * Appends one or more magic-v2 batches, in order. Validates each batch's CRC and size against
     * {@code max.message.bytes}, assigns offsets from the log end (the base offset is outside the CRC) and writes
     * them to the active segment, rolling it first if needed. Returns once the bytes are written to the file;
     * {@link AppendResult#durable()} completes when they are durable, after which the high watermark covers them.
     *
     * @throws io.busbar.bus.RecordTooLargeException a batch is over max.message.bytes
     * @throws org.apache.kafka.common.errors.CorruptRecordException a batch fails its CRC or is malformed
     * @throws io.busbar.bus.StorageException the disk failed (e.g. full); the log is left as before the call
     */
    AppendResult append(MemoryRecords records);

    /**
     * Reads whole batches, starting with the batch that holds {@code startOffset}, up to {@code maxBytes} (but at
     * least one batch when {@code minOneBatch}), never past the high watermark. Reading exactly at the high
     * watermark returns no records.
     *
     * @throws io.busbar.bus.OffsetOutOfRangeException startOffset is below the log start or above the high watermark
     */
    LogReadResult read(long startOffset, int maxBytes, boolean minOneBatch);

    /**
     * Reads as Kafka's broker does for a Fetch: the bytes from the batch that holds {@code startOffset} up to
     * {@code maxBytes} (at least that whole batch when {@code minOneBatch}), within one segment and never past the high
     * watermark. Unlike {@link #read}, the result may end inside a batch: Kafka clients drop a trailing partial batch
     * and fetch it again from its start. Cutting at a batch boundary instead costs a read of every batch header in the
     * range, and it makes responses to a consumer a few KiB smaller than Kafka's, which changes how the client's heap
     * takes them (docs/performance.md, "The 1 KiB consumer gap"). The bus's own readers use {@link #read}.
     *
     * @throws io.busbar.bus.OffsetOutOfRangeException startOffset is below the log start or above the high watermark
     */
    LogReadResult readSlice(long startOffset, int maxBytes, boolean minOneBatch);

    long logStartOffset();

    /**
     * Kafka's DeleteRecords: moves the log start offset up to {@code offset} (at most the high watermark), durably (a
     * checkpoint written before the move takes effect, so it survives a crash or restart); whole segments below it are
     * removed. Returns the new log start offset. Blocks on a small fsync: not for the log's own threads.
     *
     * @throws io.busbar.bus.OffsetOutOfRangeException when {@code offset} is negative or above the high watermark
     */
    long deleteRecordsBefore(long offset);

    /** Offset the next appended record gets. */
    long logEndOffset();

    /** Offset after the last durable record: what consumers may read up to. */
    long highWatermark();

    /** The earliest offset whose record timestamp is at or after {@code timestamp}, or -1 when there is none. */
    long offsetForTimestamp(long timestamp);

    /**
     * Kafka's ListOffsets max-timestamp (-3): the first record (below the high watermark) carrying the largest
     * timestamp, or null when the log holds no record.
     */
    org.apache.kafka.common.record.FileRecords.TimestampAndOffset maxTimestampOffset();

    /** Bytes of all segment files. */
    long sizeInBytes();

    /**
     * Completes once {@link #highWatermark()} is greater than {@code offset} (at once if it already is), or when the
     * log closes. For long-polling without a blocked thread or a sleep loop.
     */
    CompletableFuture<Void> awaitHighWatermarkAbove(long offset);

    /** Deletes whole segments beyond retention.ms / retention.bytes, moving the log start; returns segments deleted. */
    int applyRetention(long nowMs);

    /** With a compact cleanup policy, compacts closed segments (latest record per key; old tombstones dropped). */
    void compact(long nowMs);

    /** Flushes, fsyncs, writes the recovery checkpoint and the clean-shutdown marker. */
    @Override
    void close();

    /** Closes the log and deletes its directory (topic deletion). */
    void delete();
}
