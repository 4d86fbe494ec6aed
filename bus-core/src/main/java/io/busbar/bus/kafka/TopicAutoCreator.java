package io.busbar.bus.kafka;

import org.apache.kafka.common.config.TopicConfig;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates missing topics on the cluster with Busbar's partition count and replication factor, once per topic, before
 * the first produce or subscribe. Thread-safe.
 *
 * <p>Creation goes through {@link KafkaClusterAdmin#createTopicIfAbsent}, which returns only once every partition's
 * leader answers ListOffsets. Returning when CreateTopics succeeds is not enough: a producer's first, pipelined
 * request can then reach the leader before it has applied the new partition, get NOT_LEADER_OR_FOLLOWER, and on
 * Kafka 3.x brokers every idempotent retry after it OUT_OF_ORDER_SEQUENCE_NUMBER (KAFKA-15591), so the send never
 * succeeds.
 */
final class TopicAutoCreator {
    private final KafkaClusterAdmin admin;
    private final KafkaBusConfig config;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    TopicAutoCreator(KafkaClusterAdmin admin, KafkaBusConfig config) {
        this.admin = admin;
        this.config = config;
    }

    void ensure(String topic) {
        if (!config.autoCreateTopics() || known.contains(topic)) {
            return;
        }
        admin.createTopicIfAbsent(topic, config.defaultPartitions(), Map.of());
        known.add(topic);
    }

    /**
     * Creates a compacted one-partition topic Busbar itself keeps state in (connector positions) unless it exists,
     * whatever {@code autoCreateTopics} says: like Kafka Connect's internal topics, it is not the user's to create.
     */
    void ensureCompacted(String topic) {
        admin.createTopicIfAbsent(topic, 1,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        known.add(topic);
    }
}
