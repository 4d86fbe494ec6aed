package io.busbar.bus.embedded;

import io.busbar.bus.BusRecord;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches fill while one is in flight, and the log's written batches lend their buffers to the next ones. */
class PartitionAccumulatorTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    private static void add(PartitionAccumulator acc, String value) {
        acc.add(new BusRecord(null, null, value.getBytes(StandardCharsets.UTF_8), List.of(), 0L), 1L,
                new CompletableFuture<RecordMetadata>(), 0);
    }

    private static List<String> values(MemoryRecords records) {
        List<String> out = new ArrayList<>();
        for (Record r : records.records()) {
            byte[] bytes = new byte[r.valueSize()];
            r.value().get(bytes);
            out.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void theOpenBatchFillsWhileABatchIsInFlight() {
        PartitionAccumulator acc = new PartitionAccumulator(TP, 64 * 1024);
        add(acc, "a");
        List<PartitionAccumulator.SealedBatch> first = acc.drain();
        assertThat(first).hasSize(1);
        add(acc, "b");
        add(acc, "c");
        assertThat(acc.drain()).as("the open batch waits for the one in flight").isEmpty();
        assertThat(acc.batchDurable()).as("ready again once the batch in flight is durable").isTrue();
        List<PartitionAccumulator.SealedBatch> second = acc.drain();
        assertThat(second).hasSize(1);
        assertThat(values(second.get(0).records())).containsExactly("b", "c");
    }

    @Test
    void aWrittenBatchsBufferIsReusedByTheNextBatchWithItsOwnRecords() {
        PartitionAccumulator acc = new PartitionAccumulator(TP, 64 * 1024);
        for (int i = 0; i < 100; i++) {
            add(acc, "first-" + i);
        }
        MemoryRecords written = acc.drain().get(0).records();
        byte[] array = written.buffer().array();
        acc.recycle(written);
        acc.batchDurable();
        for (int i = 0; i < 3; i++) {
            add(acc, "second-" + i);
        }
        MemoryRecords next = acc.drain().get(0).records();
        assertThat(next.buffer().array()).as("the recycled buffer").isSameAs(array);
        assertThat(values(next)).containsExactly("second-0", "second-1", "second-2");
        assertThat(next.batches().iterator().next().isValid()).as("CRC of the batch in the reused buffer").isTrue();
    }

    @Test
    void aRecycledBufferTooSmallForTheNextRecordIsNotUsed() {
        PartitionAccumulator acc = new PartitionAccumulator(TP, 64 * 1024);
        add(acc, "x");
        MemoryRecords small = acc.drain().get(0).records();
        acc.recycle(small);
        acc.batchDurable();
        String big = "y".repeat(10_000);
        add(acc, big);
        MemoryRecords next = acc.drain().get(0).records();
        assertThat(next.buffer().array()).isNotSameAs(small.buffer().array());
        assertThat(values(next)).containsExactly(big);
    }
}
