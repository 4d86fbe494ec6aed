package io.busbar.bus.embedded;

import io.busbar.bus.Bus;
import io.busbar.bus.BusAdmin;
import io.busbar.bus.BusClosedException;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusProducer;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.FsyncStats;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownTopicException;
import io.busbar.bus.group.GroupContext;
import io.busbar.bus.group.GroupCoordinator;
import io.busbar.bus.group.GroupCoordinatorConfig;
import io.busbar.bus.log.PartitionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The bus embedded in this JVM, on one data directory. Besides the {@link Bus} API it exposes the lower layers
 * (partition logs, topic metadata, the group coordinator) to the Kafka wire listener.
 *
 * <p>Opening locks the data directory, recovers every partition log, loads committed offsets and starts the
 * retention/compaction task. Thread-safe.
 */
public final class EmbeddedBus implements Bus {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBus.class);

    /** The internal compacted topic holding committed group offsets (one partition). */
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final BusConfig config;
    private final DataDirectoryLock lock;
    private final LogStorage storage;
    private final TopicRegistry topics;
    private final GroupCoordinator groups;
    private final EmbeddedProducer producer;
    private final EmbeddedAdmin admin;
    private final ScheduledExecutorService maintenance;
    private volatile boolean closed;

    private EmbeddedBus(BusConfig config, DataDirectoryLock lock) {
        this.config = config;
        this.lock = lock;
        this.storage = new LogStorage(config);
        this.topics = new TopicRegistry(config.dataDir(), storage::open);
        try {
            topics.load();
            storage.finishRecovery();
        } catch (RuntimeException e) {
            storage.close(); // the journal keeps its files: the next open replays them again
            throw e;
        }
        TopicConfig internal = TopicConfig.DEFAULT.with(Map.of(TopicConfig.CLEANUP_POLICY, "compact",
                TopicConfig.SEGMENT_BYTES, Integer.toString(16 * 1024 * 1024)));
        topics.createIfAbsent(OFFSETS_TOPIC, 1, internal);
        topics.createIfAbsent(Bus.POSITIONS_TOPIC, 1, internal);
        this.groups = new GroupCoordinator(new BusGroupContext(), GroupCoordinatorConfig.from(config));
        this.groups.start();
        this.producer = new EmbeddedProducer(this);
        this.admin = new EmbeddedAdmin(this, topics);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "busbar-log-maintenance");
            t.setDaemon(true);
            return t;
        });
        maintenance.scheduleWithFixedDelay(this::runMaintenance, config.retentionCheckIntervalMs(),
                config.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    public static EmbeddedBus open(BusConfig config) {
        DataDirectoryLock lock = DataDirectoryLock.acquire(config.dataDir());
        try {
            EmbeddedBus bus = new EmbeddedBus(config, lock);
            LOG.info("Bus open on {} ({} topics, durability {})", config.dataDir().toAbsolutePath(), bus.topics.all().size(),
                    config.durability());
            return bus;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public BusConfig config() {
        return config;
    }

    /** All topics, internal ones included. */
    public Collection<TopicMetadata> topics() {
        return topics.all().stream().map(TopicRegistry.Topic::metadata).toList();
    }

    public Optional<TopicMetadata> topic(String name) {
        return topics.get(name).map(TopicRegistry.Topic::metadata);
    }

    public Optional<TopicMetadata> topicById(UUID topicId) {
        return topics.byId(topicId).map(TopicRegistry.Topic::metadata);
    }

    /**
     * Changes settings of an existing topic (Kafka names; each replaces the topic's value): persisted with the topic,
     * then applied to its partitions' logs. Throws UnknownTopicException or InvalidConfigException naming the setting.
     */
    public TopicMetadata alterTopicConfig(String name, Map<String, String> settings) {
        ensureOpen();
        return topics.updateConfig(name, settings).metadata();
    }

    /** Creates the topic when absent and auto-creation is on; throws UnknownTopicException otherwise. */
    public TopicMetadata topicForProduce(String name) {
        ensureOpen();
        Optional<TopicRegistry.Topic> existing = topics.get(name);
        if (existing.isPresent()) {
            return existing.get().metadata();
        }
        if (!config.autoCreateTopics()) {
            return topics.require(name).metadata(); // throws with the fix in its message
        }
        if (name.startsWith("__")) {
            throw new UnknownTopicException("Internal topic '" + name + "' does not exist and is not auto-created");
        }
        return topics.createIfAbsent(name, config.defaultPartitions(), config.defaultTopicConfig()).metadata();
    }

    /** @throws UnknownTopicException when the topic or partition does not exist */
    public PartitionLog partitionLog(TopicPartition partition) {
        ensureOpen();
        return topics.log(partition);
    }

    public GroupCoordinator groupCoordinator() {
        return groups;
    }

    @Override
    public BusProducer producer() {
        ensureOpen();
        return producer;
    }

    @Override
    public BusConsumer consumer(ConsumerConfig consumerConfig) {
        ensureOpen();
        return new EmbeddedConsumer(this, consumerConfig);
    }

    @Override
    public BusAdmin admin() {
        ensureOpen();
        return admin;
    }

    @Override
    public Optional<FsyncStats> fsyncStats() {
        return Optional.of(storage.fsyncStats());
    }

    /** Set by the Kafka listener of this JVM while it serves (see {@link #kafkaClientProperties()}). */
    private volatile java.util.Map<String, Object> kafkaClientProperties;

    @Override
    public Optional<java.util.Map<String, Object>> kafkaClientProperties() {
        return Optional.ofNullable(kafkaClientProperties);
    }

    /** The Kafka listener announces how in-JVM clients reach it (null: it stopped). */
    public void announceKafkaListener(java.util.Map<String, Object> clientProperties) {
        this.kafkaClientProperties = clientProperties == null ? null : java.util.Map.copyOf(clientProperties);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        maintenance.shutdownNow();
        try {
            producer.close();
            groups.close();
            topics.close();
        } finally {
            // even when a log failed to close: the log threads (a journal checkpoint deleting files, say) must have
            // stopped before the data directory is free for another bus
            try {
                storage.close();
            } finally {
                lock.close();
            }
        }
        LOG.info("Bus closed cleanly on {}", config.dataDir().toAbsolutePath());
    }

    private void runMaintenance() {
        long now = System.currentTimeMillis();
        for (TopicRegistry.Topic topic : topics.all()) {
            for (PartitionLog log : topic.logs()) {
                try {
                    log.applyRetention(now);
                    log.compact(now);
                } catch (RuntimeException e) {
                    LOG.warn("Retention/compaction of {} failed (retried next run): {}", log.topicPartition(), e.toString());
                }
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new BusClosedException("Bus on " + config.dataDir() + " is closed");
        }
    }

    /** What the group coordinator sees of this bus. */
    private final class BusGroupContext implements GroupContext {
        @Override
        public int partitionCount(String topic) {
            return topics.get(topic).map(t -> t.metadata().partitions()).orElse(-1);
        }

        @Override
        public Set<String> topicNames() {
            Set<String> names = new TreeSet<>();
            topics.all().forEach(t -> {
                if (!t.metadata().internal()) {
                    names.add(t.metadata().name());
                }
            });
            return names;
        }

        @Override
        public long startOffset(TopicPartition partition) {
            return topics.log(partition).logStartOffset();
        }

        @Override
        public long endOffset(TopicPartition partition) {
            return topics.log(partition).highWatermark();
        }

        @Override
        public long offsetForTimestamp(TopicPartition partition, long timestamp) {
            return topics.log(partition).offsetForTimestamp(timestamp);
        }

        @Override
        public PartitionLog offsetsLog() {
            return topics.log(new TopicPartition(OFFSETS_TOPIC, 0));
        }

        @Override
        public long nowMs() {
            return System.currentTimeMillis();
        }
    }
}
