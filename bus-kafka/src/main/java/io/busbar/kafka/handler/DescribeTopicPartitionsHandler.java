package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeTopicPartitions (KIP-966), what Kafka 3.7+ admin clients and {@code kafka-topics --describe} use instead
 * of Metadata: the same one-broker answer as {@link MetadataHandler} (this node leads every partition, one replica,
 * in sync, no eligible leader replicas), but paged. Topics are answered in name order, Kafka's order, so a cursor
 * (topic, first partition) resumes where the last page stopped; at most {@code responsePartitionLimit} partitions per
 * response (Kafka caps it at 2000), and {@code nextCursor} names the first one left out. An empty topic list means
 * every topic. Never creates a topic. Thread-safe.
 */
final class DescribeTopicPartitionsHandler implements ApiHandler {

    /** Kafka's broker-side cap, max.request.partition.size.limit's default. */
    static final int MAX_PARTITIONS_PER_RESPONSE = 2000;

    private final EmbeddedBus bus;
    private final BrokerIdentity broker;

    DescribeTopicPartitionsHandler(EmbeddedBus bus, BrokerIdentity broker) {
        this.bus = bus;
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DescribeTopicPartitionsRequestData request = (DescribeTopicPartitionsRequestData) message;
        // name order; a requested name the bus doesn't have maps to empty and is answered UNKNOWN_TOPIC_OR_PARTITION
        TreeMap<String, Optional<TopicMetadata>> topics = new TreeMap<>();
        if (request.topics().isEmpty()) {
            bus.topics().forEach(t -> topics.put(t.name(), Optional.of(t)));
        } else {
            request.topics().forEach(t -> topics.put(t.name(), bus.topic(t.name())));
        }
        DescribeTopicPartitionsRequestData.Cursor cursor = request.cursor();
        int limit = Math.min(Math.max(request.responsePartitionLimit(), 1), MAX_PARTITIONS_PER_RESPONSE);
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        var remaining = cursor == null ? topics : topics.tailMap(cursor.topicName(), true);
        int budget = limit;
        for (var entry : remaining.entrySet()) {
            String name = entry.getKey();
            if (entry.getValue().isEmpty()) {
                response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                continue;
            }
            TopicMetadata topic = entry.getValue().get();
            int first = cursor != null && name.equals(cursor.topicName()) ? Math.max(cursor.partitionIndex(), 0) : 0;
            if (budget == 0) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(first));
                break;
            }
            int end = Math.min(topic.partitions(), first + budget);
            response.topics().add(describe(topic, first, end));
            budget -= end - first;
            if (end < topic.partitions()) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
                break;
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private DescribeTopicPartitionsResponseTopic describe(TopicMetadata t, int first, int end) {
        List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>(end - first);
        for (int p = first; p < end; p++) {
            partitions.add(new DescribeTopicPartitionsResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(broker.nodeId())
                    .setLeaderEpoch(0)
                    .setReplicaNodes(List.of(broker.nodeId()))
                    .setIsrNodes(List.of(broker.nodeId()))
                    .setEligibleLeaderReplicas(List.of())
                    .setLastKnownElr(List.of())
                    .setOfflineReplicas(List.of())
                    .setErrorCode(Errors.NONE.code()));
        }
        return new DescribeTopicPartitionsResponseTopic()
                .setName(t.name())
                .setTopicId(TopicIds.toKafka(t.topicId()))
                .setIsInternal(t.internal())
                .setErrorCode(Errors.NONE.code())
                .setPartitions(partitions);
    }
}
