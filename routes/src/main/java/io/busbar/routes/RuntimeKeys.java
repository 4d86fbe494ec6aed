package io.busbar.routes;

import java.util.List;

/** The runtime's own settings (services add theirs through {@link BusbarService#configKeys()}). */
public final class RuntimeKeys {

    public static final ConfigKey DATA_DIR = ConfigKey.string("busbar.data.dir", "./data",
            "Directory of the embedded bus: topics, partitions, committed offsets (locked while running).");

    public static final ConfigKey DURABILITY = ConfigKey.oneOf("busbar.durability", "fsync",
            List.of("fsync", "interval", "os"),
            "When a record counts as durable and is acknowledged: fsync (group commit), interval"
                    + " (fsync every busbar.flush.interval.ms) or os (page cache; survives a process crash only).");

    public static final ConfigKey FLUSH_INTERVAL_MS = ConfigKey.longValue("busbar.flush.interval.ms", 1000, 1,
            "fsync period in milliseconds when busbar.durability=interval.");

    public static final ConfigKey DEFAULT_PARTITIONS = ConfigKey.integer("busbar.topics.default.partitions", 1, 1,
            "Partitions of a topic created automatically.");

    public static final ConfigKey AUTO_CREATE_TOPICS = ConfigKey.bool("busbar.topics.auto.create", true,
            "Create a topic when it is first produced to or consumed.");

    public static final ConfigKey PLUGINS_DIR = ConfigKey.string("busbar.plugins.dir", "plugins",
            "Folder of user connectors loaded at start without a rebuild: *.jar (Camel components, beans, processors) and"
                    + " kamelets/*.kamelet.yaml. Relative to the working directory; a missing folder loads nothing.");

    public static final ConfigKey RELOAD_ENABLED = ConfigKey.bool("busbar.reload.enabled", true,
            "Reload a pipeline file (YAML or Java) when it changes, without a restart.");

    public static final ConfigKey TRUNCATE_ON_CORRUPTION = ConfigKey.bool("busbar.log.truncate.on.corruption", false,
            "When a partition log is damaged in the middle (not just a torn tail), drop everything from the damage on"
                    + " instead of refusing to start. Set it only after reading the error and saving a copy of the files.");

    public static final ConfigKey CLEANER_DEDUPE_BUFFER_SIZE = ConfigKey.longValue("busbar.log.cleaner.dedupe.buffer.size",
            io.busbar.bus.log.LogOptions.DEFAULT_DEDUPE_BUFFER_BYTES, 1024,
            "Bytes of memory for one compaction pass's key map (24 bytes per key, as Kafka's log.cleaner.dedupe.buffer.size);"
                    + " a compacted topic with more keys is cleaned in several passes.");

    public static final ConfigKey GROUP_INITIAL_REBALANCE_DELAY_MS = ConfigKey.longValue("busbar.group.initial.rebalance.delay.ms",
            io.busbar.bus.BusConfig.DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS, 0,
            "How long the first rebalance of an empty consumer group waits for more members to join (as Kafka's"
                    + " group.initial.rebalance.delay.ms); 0 assigns partitions to the first member at once.");

    public static final ConfigKey LOG_FLUSH_THREADS = ConfigKey.integer("busbar.log.flush.threads",
            io.busbar.bus.log.LogScheduler.DEFAULT_THREADS, 1,
            "Threads that run the partition logs' group-commit fsyncs, shared by all partitions: fsyncs of different"
                    + " partitions overlap up to this many.");

    public static final ConfigKey LOG_PREALLOCATE_BYTES = ConfigKey.integer("busbar.log.preallocate.bytes",
            io.busbar.bus.log.LogOptions.DEFAULT_PREALLOCATE_BYTES, 0,
            "Bytes of zeros a background thread keeps written and fsynced ahead of each active segment's records (at"
                    + " most twice this, and no more than the segment holds), so the fsync before an acknowledgement"
                    + " has no file size or block map to commit: less CPU per record, more bytes written. 0 (the default) is off;"
                    + " otherwise at least 512, e.g. 8388608.");

    public static final ConfigKey LOG_JOURNAL = ConfigKey.bool("busbar.log.journal", false,
            "Under fsync durability, write every append also to one journal file shared by all partitions and fsync"
                    + " only that before acknowledging (one fsync per produce request instead of one per partition);"
                    + " segments are fsynced at checkpoints and rebuilt from the journal after a crash.");

    public static final ConfigKey BACKEND = ConfigKey.oneOf("busbar.bus.backend", "embedded", List.of("embedded", "kafka"),
            "Where the bus lives: embedded (a data directory in this JVM) or kafka (an Apache Kafka cluster; see"
                    + " docs/scaling-out.md). Pipelines are the same on both.");

    public static final ConfigKey KAFKA_BOOTSTRAP_SERVERS = ConfigKey.string("busbar.kafka.bootstrap.servers", "",
            "host:port[,host:port...] of the Kafka cluster, required when busbar.bus.backend=kafka. Other client"
                    + " settings (TLS, SASL) pass through as busbar.kafka.client.<kafka setting>, producer and consumer"
                    + " tuning as busbar.kafka.producer.<setting> and busbar.kafka.consumer.<setting>.");

    public static final ConfigKey KAFKA_REPLICATION_FACTOR = ConfigKey.integer("busbar.kafka.replication.factor", 1, 1,
            "Replication factor of topics Busbar creates on the Kafka cluster (3 in production).");

    /**
     * Prefix of the pipelines' own settings: {@code app.db.url=...} in busbar.properties (or {@code --set}) is
     * {@code {{app.db.url}}} in a pipeline file. Passed to Camel's property placeholders unchecked.
     */
    public static final String APP_PREFIX = "app.";

    /** Prefixes whose keys pass through to Kafka clients unchecked (the prefix is removed). */
    public static final String KAFKA_CLIENT_PREFIX = "busbar.kafka.client.";
    public static final String KAFKA_PRODUCER_PREFIX = "busbar.kafka.producer.";
    public static final String KAFKA_CONSUMER_PREFIX = "busbar.kafka.consumer.";

    /** The runtime's keys, plus those every HTTP listener shares (tokens, HTTPS: {@link io.busbar.routes.http.HttpKeys}). */
    public static final List<ConfigKey> ALL = java.util.stream.Stream.concat(java.util.stream.Stream.of(DATA_DIR,
                    DURABILITY, FLUSH_INTERVAL_MS, DEFAULT_PARTITIONS, AUTO_CREATE_TOPICS, RELOAD_ENABLED, PLUGINS_DIR,
                    TRUNCATE_ON_CORRUPTION, CLEANER_DEDUPE_BUFFER_SIZE, GROUP_INITIAL_REBALANCE_DELAY_MS, LOG_FLUSH_THREADS, LOG_PREALLOCATE_BYTES, LOG_JOURNAL, BACKEND, KAFKA_BOOTSTRAP_SERVERS,
                    KAFKA_REPLICATION_FACTOR), io.busbar.routes.http.HttpKeys.ALL.stream()).toList();

    private RuntimeKeys() {
    }
}
