package io.busbar.bus.embedded;

import io.busbar.bus.BusRecord;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.record.RecordBatchBuilder;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Records sent to one partition and not yet appended, grouped into batches. Producers add from any thread; the
 * sender drains. Records keep the order of {@link #add} calls.
 *
 * <p>Batches fill while the log is busy, as Kafka's accumulator does with requests in flight: a full batch is handed
 * to the sender at once, but the open (partly filled) batch only when no batch of this partition is waiting to
 * become durable. An idle partition therefore appends a record at once (no linger), and a producer faster than the
 * log's fsyncs gets full batches instead of a batch of a few records per append. {@link #batchDurable} tells the
 * accumulator that one appended batch is acknowledged (or failed); when it returns true the open batch is ready.
 *
 * <p>Each new batch's buffer is sized from the previous batches of the partition (a full batch when the producer is
 * ahead, a small one when records come one at a time; the guess halves per batch when batches shrink), so neither
 * case allocates far more than it writes. A batch's buffer comes back once the log has written it ({@link #recycle}),
 * and the next batch reuses it when it is large enough: a producer that keeps the log busy allocates no batch
 * buffers at all (fresh ones cost zeroing and page faults, a sixth of the file source's CPU).
 *
 * <p>Thread-safe (one monitor).
 */
final class PartitionAccumulator {

    /** A closed batch and, per record in it, the future to complete and the record's timestamp. */
    record SealedBatch(TopicPartition partition, MemoryRecords records, List<CompletableFuture<RecordMetadata>> futures,
                       long[] timestamps, int reservedBytes) { }

    private final TopicPartition partition;
    private final int batchBytes;
    private final ArrayDeque<SealedBatch> sealed = new ArrayDeque<>();
    private RecordBatchBuilder open;
    private List<CompletableFuture<RecordMetadata>> openFutures;
    private long[] openTimestamps;
    private int openReserved;
    /** The next batch's first guess of its size: the last batch's, or half the previous guess if that is more. */
    private int lastBatchBytes;
    /** In the sender's queue: a drain is coming. */
    private boolean queued;
    /** Batches handed to the sender and not yet durable (or failed). */
    private int inFlight;
    private CompletableFuture<RecordMetadata> last = CompletableFuture.completedFuture(null);
    /** The buffer of a batch the log has written, for the next batch; null when none is free. */
    private ByteBuffer spare;

    PartitionAccumulator(TopicPartition partition, int batchBytes) {
        this.partition = partition;
        this.batchBytes = batchBytes;
    }

    TopicPartition partition() {
        return partition;
    }

    /**
     * Adds a record; returns true when the accumulator has become ready and must be queued for the sender.
     * {@code reservedBytes} is released by the sender once the batch is written.
     */
    synchronized boolean add(BusRecord record, long timestamp, CompletableFuture<RecordMetadata> future, int reservedBytes) {
        if (open != null && !open.hasRoomFor(record, timestamp)) {
            seal();
        }
        if (open == null) {
            int upperBound = RecordBatchBuilder.sizeUpperBound(record);
            open = newBatch(Math.max(batchBytes, upperBound), initialCapacity(upperBound));
            openFutures = new ArrayList<>();
            openTimestamps = new long[16];
            openReserved = 0;
        }
        open.append(record, timestamp);
        if (openFutures.size() == openTimestamps.length) {
            openTimestamps = Arrays.copyOf(openTimestamps, openTimestamps.length * 2);
        }
        openTimestamps[openFutures.size()] = timestamp;
        openFutures.add(future);
        openReserved += reservedBytes;
        last = future;
        if (open.isFull()) {
            seal();
        }
        return becameReady();
    }

    /**
     * Takes the full batches, and the open one too when nothing of this partition is in flight; the caller must
     * append each and then call {@link #batchDurable} once per batch when it is acknowledged or failed.
     */
    synchronized List<SealedBatch> drain() {
        queued = false;
        if (open != null && inFlight == 0) {
            seal();
        }
        List<SealedBatch> out = new ArrayList<>(sealed);
        sealed.clear();
        inFlight += out.size();
        return out;
    }

    /** One drained batch is durable or failed; returns true when the accumulator must be queued for the sender. */
    synchronized boolean batchDurable() {
        inFlight--;
        return becameReady();
    }

    /**
     * The buffer of a batch the log has written (the append copied it to the file): the next batch may reuse it.
     * The larger of it and the spare already held is kept.
     */
    synchronized void recycle(MemoryRecords written) {
        ByteBuffer b = written.buffer();
        if (b.hasArray() && (spare == null || b.array().length > spare.capacity())) {
            spare = ByteBuffer.wrap(b.array());
        }
    }

    /** A batch written into the spare buffer when it holds {@code capacity} bytes, else into a new one. */
    private RecordBatchBuilder newBatch(int writeLimit, int capacity) {
        ByteBuffer b = spare;
        if (b != null && b.capacity() >= capacity) {
            spare = null;
            return new RecordBatchBuilder(writeLimit, b.clear(), CompressionType.NONE);
        }
        return new RecordBatchBuilder(writeLimit, capacity, CompressionType.NONE);
    }

    /** True while records are waiting to be drained or appended batches to become durable. */
    synchronized boolean busy() {
        return open != null || !sealed.isEmpty() || inFlight > 0;
    }

    /** The future of the most recently added record (completed when everything added so far is acknowledged). */
    synchronized CompletableFuture<RecordMetadata> last() {
        return last;
    }

    private boolean becameReady() {
        boolean ready = !sealed.isEmpty() || (open != null && inFlight == 0);
        if (ready && !queued) {
            queued = true;
            return true;
        }
        return false;
    }

    /** The buffer of a new batch: the previous batch's size with room to grow, at least this record's size. */
    private int initialCapacity(int recordUpperBound) {
        int guess = lastBatchBytes + lastBatchBytes / 4;
        return Math.min(Math.max(guess, recordUpperBound), Math.max(batchBytes, recordUpperBound));
    }

    private void seal() {
        MemoryRecords records = open.build();
        // a partial batch between full ones (drained when an fsync ended) must not shrink the next guess at once
        lastBatchBytes = Math.max(records.sizeInBytes(), lastBatchBytes / 2);
        sealed.add(new SealedBatch(partition, records, openFutures,
                Arrays.copyOf(openTimestamps, openFutures.size()), openReserved));
        open = null;
        openFutures = null;
        openTimestamps = null;
    }
}
