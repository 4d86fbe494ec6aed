package io.busbar.bus.embedded;

import io.busbar.bus.BusConfig;
import io.busbar.bus.FsyncStats;
import io.busbar.bus.StorageException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.LogJournal;
import io.busbar.bus.log.LogOptions;
import io.busbar.bus.log.LogScheduler;
import io.busbar.bus.log.PartitionLog;
import io.busbar.bus.log.PartitionLogs;

import java.nio.file.Path;

/**
 * Opens the partition logs of one bus with its durability settings, one shared set of log threads and, with
 * {@code busbar.log.journal}, one shared journal ({@code <dataDir>/journal}). Thread-safe.
 */
final class LogStorage implements AutoCloseable {
    /** Under the data directory; not a partition directory name (those end in {@code -<partition>}). */
    static final String JOURNAL_DIR = "journal";

    private final LogOptions options;
    private final LogScheduler scheduler;
    private final LogJournal journal;

    LogStorage(BusConfig config) {
        Path journalDir = config.dataDir().resolve(JOURNAL_DIR);
        if (!config.logJournal() && LogJournal.hasFiles(journalDir)) {
            throw new StorageException("The data directory " + config.dataDir() + " holds log journal files from a "
                    + "run with busbar.log.journal=true that did not close cleanly: acknowledged records may be only "
                    + "there. Start once with busbar.log.journal=true so that they are replayed; then it may be turned off");
        }
        this.scheduler = new LogScheduler(config.logFlushThreads());
        this.options = LogOptions.DEFAULT.withDurability(config.durability()).withFlushIntervalMs(config.flushIntervalMs())
                .withTruncateOnCorruption(config.truncateOnCorruption())
                .withCleanerDedupeBufferBytes(config.cleanerDedupeBufferBytes())
                .withPreallocateBytes(config.logPreallocateBytes());
        try {
            this.journal = config.logJournal()
                    ? LogJournal.open(journalDir, scheduler, config.logJournalFileBytes()) : null;
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
    }

    PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config) {
        return PartitionLogs.open(partitionDir, partition, config, options, scheduler, journal);
    }

    /** Call once the logs that existed are open: they have replayed the journal, whose old files can go. */
    void finishRecovery() {
        if (journal != null) {
            journal.finishRecovery();
        }
    }

    FsyncStats fsyncStats() {
        return scheduler.fsyncStats();
    }

    /** Call after every log is closed. */
    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
        scheduler.close();
    }
}
