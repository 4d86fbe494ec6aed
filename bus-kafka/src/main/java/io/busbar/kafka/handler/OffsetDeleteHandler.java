package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.group.GroupCoordinator;
import io.busbar.bus.group.GroupError;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetDelete ({@code kafka-consumer-groups --delete-offsets}, {@code Admin.deleteConsumerGroupOffsets}): deletes a
 * group's committed offsets of partitions no member subscribes to, with Kafka's errors. Thread-safe.
 */
final class OffsetDeleteHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    OffsetDeleteHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        OffsetDeleteRequestData request = (OffsetDeleteRequestData) message;
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        request.topics().forEach(t -> t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(), p.partitionIndex()))));
        return coordinator.deleteOffsetsAsync(request.groupId(), partitions).thenApply(deletion -> {
            OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(deletion.error().code());
            if (deletion.error() != GroupError.NONE) {
                return response;
            }
            for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : request.topics()) {
                OffsetDeleteResponseTopic topic = new OffsetDeleteResponseTopic().setName(t.name());
                response.topics().add(topic);
                t.partitions().forEach(p -> topic.partitions().add(new OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(deletion.partitions()
                                .getOrDefault(new TopicPartition(t.name(), p.partitionIndex()), GroupError.NONE).code())));
            }
            return response;
        });
    }
}
