package io.busbar.bus.kafka;

import io.busbar.bus.InvalidConfigException;

import java.util.Map;

/**
 * Settings of a bus on an Apache Kafka cluster. Immutable.
 *
 * @param clientProperties  Kafka client settings shared by producer, consumers and admin: {@code bootstrap.servers}
 *                          (required) plus any TLS/SASL settings ({@code security.protocol}, {@code sasl.*},
 *                          {@code ssl.*}), passed through unchanged
 * @param producerOverrides producer settings over Busbar's safe defaults (idempotence on, acks=all)
 * @param consumerOverrides consumer settings applied to every consumer
 * @param replicationFactor replication factor of topics Busbar creates
 * @param defaultPartitions partitions of topics Busbar auto-creates
 * @param autoCreateTopics  create a missing topic on first send or subscribe (through the admin client, so it works
 *                          whatever the broker's {@code auto.create.topics.enable})
 */
public record KafkaBusConfig(Map<String, Object> clientProperties, Map<String, Object> producerOverrides,
                             Map<String, Object> consumerOverrides, short replicationFactor, int defaultPartitions,
                             boolean autoCreateTopics) {

    public KafkaBusConfig {
        clientProperties = Map.copyOf(clientProperties);
        producerOverrides = Map.copyOf(producerOverrides);
        consumerOverrides = Map.copyOf(consumerOverrides);
        Object servers = clientProperties.get("bootstrap.servers");
        if (servers == null || servers.toString().isBlank()) {
            throw new InvalidConfigException("busbar.kafka.bootstrap.servers is required for the kafka backend:"
                    + " set it to host:port[,host:port...] of your cluster");
        }
        if (replicationFactor < 1) {
            throw new InvalidConfigException("busbar.kafka.replication.factor = " + replicationFactor + " is invalid: use at least 1");
        }
        if (defaultPartitions < 1) {
            throw new InvalidConfigException("busbar.topics.default.partitions = " + defaultPartitions + " is invalid: use at least 1");
        }
    }

    /** A config with just the bootstrap servers, replication factor 1 and auto-created one-partition topics. */
    public static KafkaBusConfig of(String bootstrapServers) {
        return new KafkaBusConfig(Map.of("bootstrap.servers", bootstrapServers), Map.of(), Map.of(), (short) 1, 1, true);
    }

    public KafkaBusConfig withReplicationFactor(short value) {
        return new KafkaBusConfig(clientProperties, producerOverrides, consumerOverrides, value, defaultPartitions, autoCreateTopics);
    }

    public KafkaBusConfig withDefaultPartitions(int value) {
        return new KafkaBusConfig(clientProperties, producerOverrides, consumerOverrides, replicationFactor, value, autoCreateTopics);
    }
}
