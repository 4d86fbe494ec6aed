package io.busbar.bus.log;

import io.busbar.bus.StorageException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;

import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link LogDiskFullTest}, started under a file-size limit ({@code ulimit -f}) so writes past it
 * fail with EFBIG, as on a full disk. Appends 1 KiB batches until one fails, checks the log is as before that
 * append, then rolls to a fresh segment file (room again) and appends once more. Prints what it saw.
 */
public final class DiskFullAppender {
    static final TopicPartition PARTITION = new TopicPartition("full", 0);
    static final TopicConfig CONFIG = TopicConfig.DEFAULT.with(Map.of(TopicConfig.SEGMENT_BYTES, "10000000"));

    private DiskFullAppender() {
    }

    public static void main(String[] args) {
        PartitionLog log = PartitionLogs.open(Path.of(args[0]), PARTITION, CONFIG, LogOptions.DEFAULT);
        long endBefore = -1;
        long sizeBefore = -1;
        try {
            for (int i = 0; i < 100_000; i++) {
                endBefore = log.logEndOffset();
                sizeBefore = log.sizeInBytes();
                log.append(TestBatches.sized(System.currentTimeMillis(), 1, 1000)).durable().join();
            }
            System.out.println("NEVER_FAILED");
            return;
        } catch (StorageException e) {
            System.out.println("FAILED end=" + log.logEndOffset() + " expectedEnd=" + endBefore + " size="
                    + log.sizeInBytes() + " expectedSize=" + sizeBefore + " hw=" + log.highWatermark()
                    + " message=" + e.getMessage().replace('\n', ' '));
        }
        int readable = TestBatches.readAll(log, 0).size();
        System.out.println("READABLE " + readable);
        try {
            log.append(TestBatches.sized(System.currentTimeMillis(), 1, 1000));
            System.out.println("SECOND_APPEND_SUCCEEDED");
        } catch (StorageException e) {
            System.out.println("SECOND_APPEND_FAILED end=" + log.logEndOffset());
        }
        // room again: a smaller segment.bytes rolls to a new, empty segment file
        log.updateConfig(CONFIG.with(Map.of(TopicConfig.SEGMENT_BYTES, "1024")));
        AppendResult after = log.append(TestBatches.sized(System.currentTimeMillis(), 1, 100));
        after.durable().join();
        System.out.println("RECOVERED offset=" + after.baseOffset());
        log.close();
        System.out.println("CLOSED");
    }
}
