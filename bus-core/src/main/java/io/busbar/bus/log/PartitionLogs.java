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

    /**
     * Opens (creating if absent) the log in {@code partitionDir}, sharing {@code scheduler} and, under
     * {@link io.busbar.bus.Durability#FSYNC}, {@code journal} (null: none) with other logs. With a journal the log
     * first replays what a crash left in it for this log.
     */
    public static PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config, LogOptions options,
                                    LogScheduler scheduler, LogJournal journal) {
        return open(partitionDir, partition, config, options, scheduler, false, System::currentTimeMillis, journal);
    }

    static PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config, LogOptions options,
                             LogScheduler scheduler, boolean ownsScheduler, LongSupplier clock) {
        return open(partitionDir, partition, config, options, scheduler, ownsScheduler, clock, null);
    }

    static PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config, LogOptions options,
                             LogScheduler scheduler, boolean ownsScheduler, LongSupplier clock, LogJournal journal) {
        Objects.requireNonNull(partitionDir, "partitionDir");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(scheduler, "scheduler");
        try {
            if (journal != null && options.durability() != io.busbar.bus.Durability.FSYNC) {
                throw new IllegalArgumentException("A log journal needs durability FSYNC, not " + options.durability());
            }
            return new SegmentedLog(partitionDir, partition, config, options, scheduler, ownsScheduler, clock, journal);
        } catch (IOException e) {
            throw LogLoader.failure(partition, partitionDir, e);
        }
    }
}
