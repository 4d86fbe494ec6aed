package io.busbar.bus.embedded;

import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.StorageException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicExistsException;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownTopicException;
import io.busbar.bus.log.LogFiles;
import io.busbar.bus.log.PartitionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics of one data directory and their open partition logs.
 *
 * <p>Layout: {@code <dataDir>/topics/<topic>.properties} holds each topic's id, partition count and settings;
 * {@code <dataDir>/<topic>-<partition>/} holds each partition's log (Kafka's naming) and, in {@code partition.metadata},
 * the id of its topic. Topic deletion removes the metadata file first (durably: from then on the topic does not
 * exist), then renames the partition directories to {@code <topic>-<partition>.<id>-delete} and removes them. A crash
 * half-way leaves directories whose topic id no longer matches: they are removed at the next open, or when a topic of
 * the same name is created, never reopened as its log.
 *
 * <p>Thread-safe: lookups are lock-free; changes (create, delete, add partitions) are serialised.
 */
final class TopicRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicRegistry.class);
    private static final String DELETE_SUFFIX = "-delete";

    /** Opens the log of one partition. */
    @FunctionalInterface
    interface LogOpener {
        PartitionLog open(Path partitionDir, TopicPartition partition, TopicConfig config);
    }

    /** A topic and its logs; replaced as a whole when partitions are added. */
    record Topic(TopicMetadata metadata, List<PartitionLog> logs) { }

    private final Path dataDir;
    private final Path metadataDir;
    private final LogOpener opener;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    /** The same topics by id: Kafka clients name topics by id in Fetch (v13+), once per request. */
    private final ConcurrentHashMap<UUID, Topic> topicsById = new ConcurrentHashMap<>();

    TopicRegistry(Path dataDir, LogOpener opener) {
        this.dataDir = dataDir;
        this.metadataDir = dataDir.resolve("topics");
        this.opener = opener;
    }

    /** Loads every topic's metadata and opens (recovering if needed) its partition logs. */
    void load() {
        try {
            LogFiles.createDirectoriesDurably(metadataDir);
            removeLeftoversOfDeletedTopics();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(metadataDir, "*.properties")) {
                for (Path file : files) {
                    TopicMetadata metadata = TopicMetadataFile.read(file);
                    put(new Topic(metadata, openLogs(metadata, 0, List.of())));
                }
            }
            removePartitionsOfDeletedTopics();
        } catch (IOException e) {
            throw new StorageException("Cannot load topics from " + metadataDir + ": " + e.getMessage(), e);
        }
    }

    Optional<Topic> get(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    Optional<Topic> byId(UUID topicId) {
        return Optional.ofNullable(topicsById.get(topicId));
    }

    Topic require(String name) {
        Topic topic = topics.get(name);
        if (topic == null) {
            throw new UnknownTopicException("Topic '" + name + "' does not exist: create it first (busbar topics create, "
                    + "or admin().createTopic) or enable busbar.topics.auto.create");
        }
        return topic;
    }

    PartitionLog log(TopicPartition tp) {
        Topic topic = require(tp.topic());
        if (tp.partition() >= topic.logs.size()) {
            throw new UnknownTopicException("Partition " + tp.partition() + " of topic '" + tp.topic() + "' does not exist: it has "
                    + topic.logs.size() + " partitions");
        }
        return topic.logs.get(tp.partition());
    }

    Collection<Topic> all() {
        return topics.values();
    }

    synchronized Topic create(String name, int partitions, TopicConfig config) {
        TopicNames.validate(name);
        if (partitions < 1) {
            throw new InvalidConfigException("Topic '" + name + "' needs at least 1 partition, got " + partitions);
        }
        if (topics.containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists");
        }
        TopicMetadata metadata = new TopicMetadata(name, UUID.randomUUID(), partitions, config);
        List<PartitionLog> logs = openLogs(metadata, 0, List.of());
        TopicMetadataFile.write(metadataDir, metadata); // the topic exists once this file is durable
        Topic topic = new Topic(metadata, logs);
        put(topic);
        return topic;
    }

    synchronized Topic createIfAbsent(String name, int partitions, TopicConfig config) {
        Topic existing = topics.get(name);
        return existing != null ? existing : create(name, partitions, config);
    }

    synchronized Topic addPartitions(String name, int totalPartitions) {
        Topic topic = require(name);
        int current = topic.metadata.partitions();
        if (totalPartitions <= current) {
            throw new InvalidConfigException("Topic '" + name + "' has " + current + " partitions: ask for more than that"
                    + " (partitions are never removed)");
        }
        TopicMetadata metadata = new TopicMetadata(name, topic.metadata.topicId(), totalPartitions, topic.metadata.config());
        List<PartitionLog> logs = openLogs(metadata, current, topic.logs);
        TopicMetadataFile.write(metadataDir, metadata);
        Topic updated = new Topic(metadata, logs);
        put(updated);
        return updated;
    }

    synchronized Topic updateConfig(String name, Map<String, String> overrides) {
        Topic topic = require(name);
        TopicConfig config = topic.metadata.config().with(overrides);
        TopicMetadata metadata = new TopicMetadata(name, topic.metadata.topicId(), topic.metadata.partitions(), config);
        TopicMetadataFile.write(metadataDir, metadata);
        topic.logs.forEach(log -> log.updateConfig(config));
        Topic updated = new Topic(metadata, topic.logs);
        put(updated);
        return updated;
    }

    synchronized void delete(String name) {
        Topic topic = require(name);
        topics.remove(name);
        topicsById.remove(topic.metadata.topicId());
        topic.logs.forEach(PartitionLog::close);
        TopicMetadataFile.delete(metadataDir, name); // durable: the topic is gone, whatever happens next
        for (PartitionLog log : topic.logs) {
            discard(partitionDir(log.topicPartition()), topic.metadata.topicId());
        }
    }

    @Override
    public synchronized void close() {
        RuntimeException first = null;
        for (Topic topic : topics.values()) {
            for (PartitionLog log : topic.logs) {
                try {
                    log.close();
                } catch (RuntimeException e) {
                    LOG.error("Failed to close log {}", log.topicPartition(), e);
                    first = first == null ? e : first;
                }
            }
        }
        topics.clear();
        topicsById.clear();
        if (first != null) {
            throw first;
        }
    }

    private void put(Topic topic) {
        topics.put(topic.metadata.name(), topic);
        topicsById.put(topic.metadata.topicId(), topic);
    }

    private List<PartitionLog> openLogs(TopicMetadata metadata, int from, List<PartitionLog> existing) {
        List<PartitionLog> logs = new ArrayList<>(existing);
        for (int p = from; p < metadata.partitions(); p++) {
            TopicPartition tp = new TopicPartition(metadata.name(), p);
            Path dir = partitionDir(tp);
            Optional<UUID> owner = PartitionMetadataFile.read(dir);
            if (owner.isPresent() && !owner.get().equals(metadata.topicId())) {
                LOG.info("{} belongs to an earlier topic '{}' (id {}) whose deletion did not finish: removing it", dir,
                        metadata.name(), owner.get());
                discard(dir, owner.get());
            }
            logs.add(opener.open(dir, tp, metadata.config()));
            if (owner.isEmpty() || !owner.get().equals(metadata.topicId())) {
                PartitionMetadataFile.write(dir, metadata.topicId());
            }
        }
        return List.copyOf(logs);
    }

    private Path partitionDir(TopicPartition tp) {
        return dataDir.resolve(tp.topic() + "-" + tp.partition());
    }

    /**
     * Renames a partition directory of a deleted topic out of the way (durably: its name may be reused at once) and
     * removes it.
     */
    private void discard(Path dir, UUID topicId) {
        if (!Files.exists(dir)) {
            return;
        }
        Path target = dataDir.resolve(dir.getFileName() + "." + topicId + DELETE_SUFFIX);
        try {
            LogFiles.renameDurably(dir, target);
        } catch (IOException e) {
            throw new StorageException("Cannot delete partition directory " + dir + ": " + e.getMessage(), e);
        }
        deleteRecursively(target);
    }

    /** Partition directories whose topic id names no topic: left by a deletion that a crash cut short. */
    private void removePartitionsOfDeletedTopics() throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                Optional<UUID> owner = PartitionMetadataFile.read(dir);
                if (owner.isPresent() && !topicsById.containsKey(owner.get())) {
                    LOG.info("Removing {}: its topic (id {}) was deleted", dir, owner.get());
                    discard(dir, owner.get());
                }
            }
        }
    }

    private void removeLeftoversOfDeletedTopics() throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, "*" + DELETE_SUFFIX)) {
            for (Path dir : dirs) {
                LOG.info("Removing {} left by a topic deletion that did not finish", dir);
                deleteRecursively(dir);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            LogFiles.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("Could not remove {} (it is removed at the next open): {}", dir, e.getMessage());
        }
    }
}
