package io.busbar.bus.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates missing topics on the cluster with Busbar's partition count and replication factor, once per topic.
 * Thread-safe.
 */
final class TopicAutoCreator {
    private final Admin admin;
    private final KafkaBusConfig config;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    TopicAutoCreator(Admin admin, KafkaBusConfig config) {
        this.admin = admin;
        this.config = config;
    }

    void ensure(String topic) {
        if (!config.autoCreateTopics() || known.contains(topic)) {
            return;
        }
        create(new NewTopic(topic, config.defaultPartitions(), config.replicationFactor()));
    }

    /**
     * Creates a compacted one-partition topic Busbar itself keeps state in (connector positions) unless it exists,
     * whatever {@code autoCreateTopics} says: like Kafka Connect's internal topics, it is not the user's to create.
     */
    void ensureCompacted(String topic) {
        create(new NewTopic(topic, 1, config.replicationFactor())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    private void create(NewTopic newTopic) {
        String topic = newTopic.name();
        try {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw KafkaErrors.translate(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaErrors.translate(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new io.busbar.bus.BusException("Timed out creating topic '" + topic + "' on the Kafka cluster: check"
                    + " busbar.kafka.bootstrap.servers and that the cluster is up", e);
        }
        known.add(topic);
    }
}
