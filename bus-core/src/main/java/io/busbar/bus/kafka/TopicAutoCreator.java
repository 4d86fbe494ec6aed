package io.busbar.bus.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
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
        try {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, config.defaultPartitions(), config.replicationFactor())))
                        .all().get(30, TimeUnit.SECONDS);
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
