package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Metadata: this one broker leads every partition (leader epoch 0, one replica, in sync), topic ids from the bus.
 * A null topic list (v1+), or an empty one at v0, means all topics; a missing topic is created when both the request
 * and the bus allow auto-creation. Thread-safe.
 */
final class MetadataHandler implements ApiHandler {

    private final EmbeddedBus bus;
    private final BrokerIdentity broker;

    MetadataHandler(EmbeddedBus bus, BrokerIdentity broker) {
        this.bus = bus;
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        MetadataRequestData request = (MetadataRequestData) message;
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(broker.clusterId())
                .setControllerId(broker.nodeId());
        response.brokers().add(new MetadataResponseBroker().setNodeId(broker.nodeId())
                .setHost(broker.host()).setPort(broker.port()));
        boolean all = request.topics() == null || (context.apiVersion() == 0 && request.topics().isEmpty());
        if (all) {
            for (TopicMetadata t : bus.topics()) {
                response.topics().add(describe(t));
            }
        } else {
            boolean autoCreate = context.apiVersion() < 4 || request.allowAutoTopicCreation();
            for (MetadataRequestData.MetadataRequestTopic requested : request.topics()) {
                response.topics().add(lookup(requested, autoCreate));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private MetadataResponseTopic lookup(MetadataRequestData.MetadataRequestTopic requested, boolean autoCreate) {
        String name = requested.name();
        if (name == null && requested.topicId() != null && !Uuid.ZERO_UUID.equals(requested.topicId())) {
            Optional<TopicMetadata> byId = bus.topicById(TopicIds.toBus(requested.topicId()));
            return byId.map(this::describe).orElseGet(() -> new MetadataResponseTopic()
                    .setTopicId(requested.topicId()).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        }
        try {
            Optional<TopicMetadata> topic = bus.topic(name);
            if (topic.isEmpty() && autoCreate && bus.config().autoCreateTopics()) {
                topic = Optional.of(bus.topicForProduce(name));
            }
            return topic.map(this::describe).orElseGet(() -> new MetadataResponseTopic().setName(name)
                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        } catch (RuntimeException e) {
            return new MetadataResponseTopic().setName(name).setErrorCode(ErrorMapping.of(e).code());
        }
    }

    private MetadataResponseTopic describe(TopicMetadata t) {
        MetadataResponseTopic topic = new MetadataResponseTopic()
                .setName(t.name())
                .setTopicId(TopicIds.toKafka(t.topicId()))
                .setIsInternal(t.internal())
                .setErrorCode(Errors.NONE.code());
        List<MetadataResponsePartition> partitions = new ArrayList<>(t.partitions());
        for (int p = 0; p < t.partitions(); p++) {
            partitions.add(new MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(broker.nodeId())
                    .setLeaderEpoch(0)
                    .setReplicaNodes(List.of(broker.nodeId()))
                    .setIsrNodes(List.of(broker.nodeId()))
                    .setOfflineReplicas(List.of())
                    .setErrorCode(Errors.NONE.code()));
        }
        return topic.setPartitions(partitions);
    }
}
