package io.busbar.bus.log;

import io.busbar.bus.Durability;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * The child JVM of {@link LogCrashTest}: appends to a log forever with tiny segments and retention, so rolls,
 * checkpoint rewrites and segment deletions happen all the time, until it is killed. Each record's value is the
 * offset it must land at; {@code ACK <offset>} is printed only after the append's durable future completed.
 * Arguments: the partition directory and the durability policy.
 */
public final class CrashingAppender {

    static final TopicConfig CONFIG = TopicConfig.DEFAULT.with(java.util.Map.of(
            TopicConfig.SEGMENT_BYTES, "1024",
            TopicConfig.RETENTION_BYTES, "6000",
            TopicConfig.INDEX_INTERVAL_BYTES, "100"));
    static final TopicPartition PARTITION = new TopicPartition("crash", 0);

    private CrashingAppender() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.US_ASCII);
        Durability durability = Durability.valueOf(args[1]);
        PartitionLog log = PartitionLogs.open(dir, PARTITION, CONFIG, LogOptions.DEFAULT.withDurability(durability));
        out.println("READY " + log.logEndOffset());
        Semaphore inFlight = new Semaphore(8);
        long next = log.logEndOffset();
        for (long n = 0; ; n++) {
            inFlight.acquire();
            int count = 1 + (int) (n % 3);
            SimpleRecord[] records = new SimpleRecord[count];
            for (int i = 0; i < count; i++) {
                records[i] = new SimpleRecord(System.currentTimeMillis(), null,
                        Long.toString(next + i).getBytes(StandardCharsets.US_ASCII));
            }
            AppendResult result = log.append(MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L,
                    Compression.NONE, records));
            if (result.baseOffset() != next) {
                out.println("ERROR appended at " + result.baseOffset() + " instead of " + next);
                System.exit(2);
            }
            next += count;
            result.durable().whenComplete((hw, error) -> {
                if (error == null) {
                    synchronized (out) {
                        out.println("ACK " + result.lastOffset());
                    }
                }
                inFlight.release();
            });
            if (n % 20 == 0) {
                log.applyRetention(System.currentTimeMillis());
            }
        }
    }
}
