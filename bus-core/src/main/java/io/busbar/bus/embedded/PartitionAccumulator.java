package io.busbar.bus.embedded;

import io.busbar.bus.BusRecord;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.record.RecordBatchBuilder;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Records sent to one partition and not yet appended, grouped into batches. Producers add from any thread; the
 * sender drains. Records keep the order of {@link #add} calls. Thread-safe (one monitor).
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
    private boolean queued;
    private CompletableFuture<RecordMetadata> last = CompletableFuture.completedFuture(null);

    PartitionAccumulator(TopicPartition partition, int batchBytes) {
        this.partition = partition;
        this.batchBytes = batchBytes;
    }

    TopicPartition partition() {
        return partition;
    }

    /**
     * Adds a record; returns true when the accumulator was idle and must be queued for the sender.
     * {@code reservedBytes} is released by the sender once the batch is written.
     */
    synchronized boolean add(BusRecord record, long timestamp, CompletableFuture<RecordMetadata> future, int reservedBytes) {
        if (open != null && !open.hasRoomFor(record, timestamp)) {
            seal();
        }
        if (open == null) {
            open = new RecordBatchBuilder(Math.max(batchBytes, RecordBatchBuilder.sizeUpperBound(record)), CompressionType.NONE);
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
        boolean wasIdle = !queued;
        queued = true;
        return wasIdle;
    }

    /** Takes every pending batch (closing the open one); the accumulator becomes idle. */
    synchronized List<SealedBatch> drain() {
        if (open != null) {
            seal();
        }
        List<SealedBatch> out = new ArrayList<>(sealed);
        sealed.clear();
        queued = false;
        return out;
    }

    /** The future of the most recently added record (completed when everything added so far is acknowledged). */
    synchronized CompletableFuture<RecordMetadata> last() {
        return last;
    }

    private void seal() {
        sealed.add(new SealedBatch(partition, open.build(), openFutures,
                Arrays.copyOf(openTimestamps, openFutures.size()), openReserved));
        open = null;
        openFutures = null;
        openTimestamps = null;
    }
}
