package io.busbar.bus;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of an embedded bus. Immutable; build with {@link #builder(Path)}.
 *
 * @param dataDir                 where partitions, checkpoints and metadata live (locked while the bus is open)
 * @param durability              when an append counts as durable (default {@link Durability#FSYNC} with group commit)
 * @param flushIntervalMs         fsync period for {@link Durability#INTERVAL}
 * @param autoCreateTopics        create a topic on first produce or subscribe
 * @param defaultPartitions       partitions of an auto-created topic
 * @param defaultTopicConfig      settings of a topic created without overrides
 * @param offsetsRetentionMs      committed offsets of a group empty for longer than this expire ({@code offsets.retention.minutes} in Kafka)
 * @param retentionCheckIntervalMs how often retention and compaction run
 * @param truncateOnCorruption    when recovery finds a corrupt batch followed by valid ones (damage in the middle of a
 *                                log), drop everything from it on instead of refusing to open; off by default so that
 *                                an operator decides ({@code busbar.log.truncate.on.corruption})
 * @param cleanerDedupeBufferBytes memory for one compaction pass's key map, 24 bytes per key; logs with more keys are
 *                                compacted in several passes ({@code busbar.log.cleaner.dedupe.buffer.size}, 32 MiB)
 * @param groupInitialRebalanceDelayMs how long the first rebalance of an empty consumer group waits for more members
 *                                to join ({@code group.initial.rebalance.delay.ms} in Kafka; 100 ms, 0 to answer at once)
 * @param logFlushThreads         threads that run the logs' group-commit fsyncs, shared by all partitions: fsyncs of
 *                                different partitions overlap up to this many ({@code busbar.log.flush.threads})
 * @param logPreallocateBytes     how far ahead of each active segment's records a background thread keeps the file
 *                                zero-filled and fsynced under FSYNC, which makes the group commit's fdatasync cheaper
 *                                ({@code busbar.log.preallocate.bytes}; 0, the default, is off)
 * @param logJournal              under FSYNC, write every append also to one journal file shared by all partitions and
 *                                fsync only that before acknowledging; segments are fsynced at checkpoints
 *                                ({@code busbar.log.journal}; off by default; see docs/storage.md)
 * @param logJournalFileBytes     with the journal, the size at which its file is rolled and the segments checkpointed
 *                                (64 MiB; the most a recovery replays)
 */
public record BusConfig(Path dataDir, Durability durability, long flushIntervalMs, boolean autoCreateTopics,
                        int defaultPartitions, TopicConfig defaultTopicConfig, long offsetsRetentionMs,
                        long retentionCheckIntervalMs, boolean truncateOnCorruption, long cleanerDedupeBufferBytes,
                        long groupInitialRebalanceDelayMs, int logFlushThreads,
                        int logPreallocateBytes, boolean logJournal, long logJournalFileBytes) {

    public BusConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(defaultTopicConfig, "defaultTopicConfig");
        if (defaultPartitions < 1) {
            throw new InvalidConfigException("busbar.topics.default.partitions = " + defaultPartitions + " is invalid: use at least 1");
        }
        if (groupInitialRebalanceDelayMs < 0) {
            throw new InvalidConfigException("busbar.group.initial.rebalance.delay.ms = " + groupInitialRebalanceDelayMs
                    + " is invalid: use 0 or more");
        }
        if (logFlushThreads < 1) {
            throw new InvalidConfigException("busbar.log.flush.threads = " + logFlushThreads + " is invalid: use at least 1");
        }
        io.busbar.bus.log.LogOptions.requireValidPreallocateBytes(logPreallocateBytes);
        if (flushIntervalMs < 1) {
            throw new InvalidConfigException("busbar.flush.interval.ms = " + flushIntervalMs + " is invalid: use at least 1");
        }
        if (logJournalFileBytes < 4096) {
            throw new InvalidConfigException("logJournalFileBytes = " + logJournalFileBytes
                    + " is invalid: use at least 4096 (bytes)");
        }
        if (logJournal && durability != Durability.FSYNC) {
            throw new InvalidConfigException("busbar.log.journal = true needs busbar.durability = fsync (it is "
                    + durability.name().toLowerCase(java.util.Locale.ROOT) + "): the journal only replaces the fsyncs "
                    + "before acknowledgements; turn one of them off");
        }
    }

    /** Kafka's broker default is 3 s (its shipped server.properties sets 0); a bus usually starts its members together. */
    public static final long DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS = 100;

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    public static final class Builder {
        private final Path dataDir;
        private Durability durability = Durability.FSYNC;
        private long flushIntervalMs = 1000;
        private boolean autoCreateTopics = true;
        private int defaultPartitions = 1;
        private TopicConfig defaultTopicConfig = TopicConfig.DEFAULT;
        private long offsetsRetentionMs = 7L * 24 * 3600 * 1000;
        private long retentionCheckIntervalMs = 60_000;
        private boolean truncateOnCorruption;
        private long cleanerDedupeBufferBytes = io.busbar.bus.log.LogOptions.DEFAULT_DEDUPE_BUFFER_BYTES;
        private long groupInitialRebalanceDelayMs = DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS;
        private int logFlushThreads = io.busbar.bus.log.LogScheduler.DEFAULT_THREADS;
        private int logPreallocateBytes = io.busbar.bus.log.LogOptions.DEFAULT_PREALLOCATE_BYTES;
        private boolean logJournal;
        private long logJournalFileBytes = io.busbar.bus.log.LogJournal.DEFAULT_FILE_BYTES;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder durability(Durability v) { durability = v; return this; }
        public Builder flushIntervalMs(long v) { flushIntervalMs = v; return this; }
        public Builder autoCreateTopics(boolean v) { autoCreateTopics = v; return this; }
        public Builder defaultPartitions(int v) { defaultPartitions = v; return this; }
        public Builder defaultTopicConfig(TopicConfig v) { defaultTopicConfig = v; return this; }
        public Builder offsetsRetentionMs(long v) { offsetsRetentionMs = v; return this; }
        public Builder retentionCheckIntervalMs(long v) { retentionCheckIntervalMs = v; return this; }
        public Builder truncateOnCorruption(boolean v) { truncateOnCorruption = v; return this; }
        public Builder cleanerDedupeBufferBytes(long v) { cleanerDedupeBufferBytes = v; return this; }
        public Builder groupInitialRebalanceDelayMs(long v) { groupInitialRebalanceDelayMs = v; return this; }
        public Builder logFlushThreads(int v) { logFlushThreads = v; return this; }
        public Builder logPreallocateBytes(int v) { logPreallocateBytes = v; return this; }
        public Builder logJournal(boolean v) { logJournal = v; return this; }
        public Builder logJournalFileBytes(long v) { logJournalFileBytes = v; return this; }

        public BusConfig build() {
            return new BusConfig(dataDir, durability, flushIntervalMs, autoCreateTopics, defaultPartitions,
                    defaultTopicConfig, offsetsRetentionMs, retentionCheckIntervalMs, truncateOnCorruption,
                    cleanerDedupeBufferBytes, groupInitialRebalanceDelayMs, logFlushThreads, logPreallocateBytes, logJournal,
                    logJournalFileBytes);
        }
    }
}
