package io.busbar.bus.log;

import io.busbar.bus.Durability;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child-JVM side of {@link LogCleanerHeapTest}, run with a small -Xmx: writes {@code keys} distinct keys twice, then
 * compacts until one record per key is left, counting the passes. Prints {@code OK keys=N passes=N records=N
 * maxHeapMiB=N millis=N} and exits 0, or the failure and exits 1. Arguments: data directory, keys, dedupe buffer bytes.
 */
public final class CompactionHeapWorkload {
    private static final int BATCH = 2000;

    private CompactionHeapWorkload() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int keys = Integer.parseInt(args[1]);
        long buffer = Long.parseLong(args[2]);
        TopicConfig config = TopicConfig.DEFAULT.with(Map.of(TopicConfig.CLEANUP_POLICY, "compact",
                TopicConfig.SEGMENT_BYTES, Integer.toString(1024 * 1024)));
        long start = System.nanoTime();
        PartitionLog log = PartitionLogs.open(dir, new TopicPartition("keys", 0), config,
                LogOptions.DEFAULT.withDurability(Durability.OS).withCleanerDedupeBufferBytes(buffer));
        try {
            for (int round = 0; round < 2; round++) {
                for (int from = 0; from < keys; from += BATCH) {
                    SimpleRecord[] batch = new SimpleRecord[Math.min(BATCH, keys - from)];
                    for (int i = 0; i < batch.length; i++) {
                        batch[i] = new SimpleRecord(1000, key(from + i), (round + ":" + (from + i)).getBytes(StandardCharsets.UTF_8));
                    }
                    log.append(MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE, batch));
                }
            }
            // filler that rolls two segments, so every keyed record lies in a closed segment below the high watermark
            for (int i = 0; i < 3; i++) {
                log.append(MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE,
                        new SimpleRecord(1000, key(-1 - i), new byte[700 * 1024]))).durable().join();
            }
            int passes = 0;
            long records;
            do {
                log.compact(2000);
                passes++;
                records = countKeyed(log);
            } while (records > keys && passes < 200);
            if (records != keys) {
                throw new AssertionError(records + " keyed records left after " + passes + " passes, expected " + keys);
            }
            System.out.println("OK keys=" + keys + " passes=" + passes + " records=" + records + " maxHeapMiB="
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " millis=" + (System.nanoTime() - start) / 1_000_000);
            log.close();
            System.exit(0);
        } catch (Throwable e) {
            System.out.println("FAIL " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static byte[] key(int i) {
        return String.format("key-%09d", i).getBytes(StandardCharsets.UTF_8);
    }

    /** Keyed records of the second round ("1:") left in the log; fails on one of the first round that should be gone. */
    private static long countKeyed(PartitionLog log) {
        long count = 0;
        long next = log.logStartOffset();
        while (next < log.highWatermark()) {
            LogReadResult result = log.read(next, 1024 * 1024, true);
            if (result.records().sizeInBytes() == 0) {
                break;
            }
            for (RecordBatch batch : result.records().batches()) {
                for (Record r : batch) {
                    if (r.offset() >= next && r.hasValue() && r.valueSize() < 64) {
                        count++;
                    }
                }
                next = batch.lastOffset() + 1;
            }
        }
        return count;
    }
}
