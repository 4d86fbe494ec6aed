package io.busbar.bus.embedded;

import io.busbar.bus.BusConfig;
import io.busbar.bus.LatencyHistogram;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.LogOptions;
import io.busbar.bus.log.LogScheduler;
import io.busbar.bus.log.PartitionLog;
import io.busbar.bus.log.PartitionLogs;

import java.nio.file.Path;

/** Opens the partition logs of one bus with its durability settings and one shared set of log threads. Thread-safe. */
final class LogStorage implements AutoCloseable {
    private final LogOptions options;
    private final LogScheduler scheduler;

    LogStorage(BusConfig config) {
        this.scheduler = new LogScheduler(config.logFlushThreads());
        this.options = LogOptions.DEFAULT.withDurability(config.durability()).withFlushIntervalMs(config.flushIntervalMs())
                .withTruncateOnCorruption(config.truncateOnCorruption())
                .withCleanerDedupeBufferBytes(config.cleanerDedupeBufferBytes())
                .withPreallocateBytes(config.logPreallocateBytes());
    }

    PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config) {
        return PartitionLogs.open(partitionDir, partition, config, options, scheduler);
    }

    LatencyHistogram fsyncLatency() {
        return scheduler.fsyncLatency();
    }

    /** Call after every log is closed. */
    @Override
    public void close() {
        scheduler.close();
    }
}
