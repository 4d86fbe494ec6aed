package io.busbar.bus.group;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.AppendResult;
import io.busbar.bus.log.LogReadResult;
import io.busbar.bus.log.PartitionLog;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * A PartitionLog kept in memory, for coordinator tests that run before (or without) the file-backed log. Durability
 * completes asynchronously on another thread, as with a real fsync, so commit paths are exercised the same way.
 * Thread-safe (synchronized).
 */
final class InMemoryPartitionLog implements PartitionLog {
    private static final Executor FLUSHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-flusher");
        t.setDaemon(true);
        return t;
    });

    private final TopicPartition tp;
    private final List<MemoryRecords> batches = new ArrayList<>();
    private long endOffset;
    private volatile long highWatermark;

    InMemoryPartitionLog(TopicPartition tp) {
        this.tp = tp;
    }

    @Override
    public TopicPartition topicPartition() {
        return tp;
    }

    @Override
    public TopicConfig config() {
        return TopicConfig.DEFAULT;
    }

    @Override
    public void updateConfig(TopicConfig config) {
    }

    @Override
    public synchronized AppendResult append(MemoryRecords records) {
        long base = endOffset;
        List<SimpleRecord> simple = new ArrayList<>();
        long maxTs = -1;
        for (MutableRecordBatch batch : records.batches()) {
            for (Record r : batch) {
                simple.add(new SimpleRecord(r.timestamp(), copy(r.key()), copy(r.value())));
                maxTs = Math.max(maxTs, r.timestamp());
            }
        }
        batches.add(MemoryRecords.withRecords(base, Compression.NONE, simple.toArray(new SimpleRecord[0])));
        endOffset += simple.size();
        long newEnd = endOffset;
        CompletableFuture<Long> durable = CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                highWatermark = Math.max(highWatermark, newEnd);
                return highWatermark;
            }
        }, FLUSHER);
        return new AppendResult(base, newEnd - 1, maxTs, simple.size(), durable);
    }

    private static byte[] copy(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public synchronized LogReadResult read(long startOffset, int maxBytes, boolean minOneBatch) {
        ByteBuffer out = ByteBuffer.allocate(batches.stream().mapToInt(MemoryRecords::sizeInBytes).sum());
        for (MemoryRecords m : batches) {
            MutableRecordBatch b = m.batches().iterator().next();
            if (b.lastOffset() >= startOffset && b.baseOffset() < highWatermark) {
                out.put(m.buffer().duplicate());
            }
        }
        out.flip();
        return new LogReadResult(MemoryRecords.readableRecords(out), highWatermark, 0);
    }

    @Override
    public long logStartOffset() {
        return 0;
    }

    @Override
    public synchronized long logEndOffset() {
        return endOffset;
    }

    @Override
    public long highWatermark() {
        return highWatermark;
    }

    @Override
    public long offsetForTimestamp(long timestamp) {
        return -1;
    }

    @Override
    public synchronized long sizeInBytes() {
        return batches.stream().mapToInt(MemoryRecords::sizeInBytes).sum();
    }

    @Override
    public CompletableFuture<Void> awaitHighWatermarkAbove(long offset) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public int applyRetention(long nowMs) {
        return 0;
    }

    @Override
    public void compact(long nowMs) {
    }

    @Override
    public void close() {
    }

    @Override
    public void delete() {
    }
}
