package io.busbar.bus.log;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Opens partition logs. A partition directory holds one log; opening it runs recovery (see docs/storage.md) and
 * may fail with {@link CorruptLogException} or {@link io.busbar.bus.StorageException}.
 *
 * <p>The returned {@link PartitionLog} is thread-safe. An embedded bus creates one {@link LogScheduler} and opens
 * every log with it; the shorter form gives the log its own scheduler, stopped when the log closes.
 */
public final class PartitionLogs {

    private PartitionLogs() {
    }

    /** Opens (creating if absent) the log in {@code partitionDir} with background threads of its own. */
    public static PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config, LogOptions options) {
        LogScheduler scheduler = new LogScheduler(1);
        try {
            return open(partitionDir, partition, config, options, scheduler, true, System::currentTimeMillis);
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
    }

    /** Opens (creating if absent) the log in {@code partitionDir}, sharing {@code scheduler} with other logs. */
    public static PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config, LogOptions options,
                                    LogScheduler scheduler) {
        return open(partitionDir, partition, config, options, scheduler, false, System::currentTimeMillis);
    }

    static PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config, LogOptions options,
                             LogScheduler scheduler, boolean ownsScheduler, LongSupplier clock) {
        Objects.requireNonNull(partitionDir, "partitionDir");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(scheduler, "scheduler");
        try {
            return new SegmentedLog(partitionDir, partition, config, options, scheduler, ownsScheduler, clock);
        } catch (IOException e) {
            throw LogLoader.failure(partition, partitionDir, e);
        }
    }
}
