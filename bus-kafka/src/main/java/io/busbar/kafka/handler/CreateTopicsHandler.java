package io.busbar.kafka.handler;

import io.busbar.bus.TopicDescription;
import io.busbar.bus.embedded.EmbeddedBus;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * CreateTopics through the bus admin. Replication factor must be -1 (default) or 1: there is one node. Settings use
 * Kafka's names; every one Kafka 4.1 has is accepted, others are refused with INVALID_CONFIG naming them. Thread-safe.
 */
final class CreateTopicsHandler implements ApiHandler {

    private final EmbeddedBus bus;

    CreateTopicsHandler(EmbeddedBus bus) {
        this.bus = bus;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        CreateTopicsRequestData request = (CreateTopicsRequestData) message;
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        for (CreatableTopic topic : request.topics()) {
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name())
                    .setNumPartitions(-1).setReplicationFactor((short) -1);
            response.topics().add(result);
            try {
                create(topic, request.validateOnly(), context.apiVersion() >= 5, result);
            } catch (RuntimeException e) {
                result.setErrorCode(ErrorMapping.of(e).code()).setErrorMessage(ErrorMapping.message(e));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private void create(CreatableTopic topic, boolean validateOnly, boolean returnConfigs, CreatableTopicResult result) {
        if (topic.replicationFactor() > 1) {
            result.setErrorCode(Errors.INVALID_REPLICATION_FACTOR.code()).setErrorMessage("Replication factor "
                    + topic.replicationFactor() + " for '" + topic.name() + "' is impossible: Busbar is one node; use 1 or -1");
            return;
        }
        if (!topic.assignments().isEmpty()) {
            result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(
                    "Manual replica assignment is not supported: give a partition count instead");
            return;
        }
        int partitions = topic.numPartitions() > 0 ? topic.numPartitions() : bus.config().defaultPartitions();
        Map<String, String> configs = new LinkedHashMap<>();
        topic.configs().forEach(c -> configs.put(c.name(), c.value()));
        if (validateOnly) {
            bus.config().defaultTopicConfig().with(configs); // throws on a bad setting
            if (bus.topic(topic.name()).isPresent()) {
                result.setErrorCode(Errors.TOPIC_ALREADY_EXISTS.code())
                        .setErrorMessage("Topic '" + topic.name() + "' already exists.");
                return;
            }
            result.setErrorCode(Errors.NONE.code()).setNumPartitions(partitions).setReplicationFactor((short) 1);
            return;
        }
        TopicDescription created = bus.admin().createTopic(topic.name(), partitions, configs);
        result.setErrorCode(Errors.NONE.code())
                .setTopicId(TopicIds.toKafka(created.topicId()))
                .setNumPartitions(created.partitions().size())
                .setReplicationFactor((short) 1);
        if (!returnConfigs) {
            return; // configs are in the response from v5
        }
        TopicConfigSources.of(bus, bus.topic(topic.name()).orElseThrow().config()).forEach((k, entry) ->
                result.configs().add(new CreatableTopicConfigs().setName(k).setValue(entry.value())
                        .setReadOnly(false).setIsSensitive(false).setConfigSource(entry.source().id())));
    }
}
