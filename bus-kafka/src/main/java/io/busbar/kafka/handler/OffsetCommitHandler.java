package io.busbar.kafka.handler;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.group.GroupCoordinator;
import io.busbar.bus.group.GroupError;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit: answered once the commit is durable in the bus's offsets log. Generation -1 commits (consumers that
 * assign partitions themselves) are accepted for groups without members, as Kafka does. Thread-safe.
 */
final class OffsetCommitHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    OffsetCommitHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        OffsetCommitRequestData request = (OffsetCommitRequestData) message;
        Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        Map<TopicPartition, OffsetCommitResponsePartition> byPartition = new LinkedHashMap<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : request.topics()) {
            OffsetCommitResponseTopic topic = new OffsetCommitResponseTopic().setName(t.name());
            response.topics().add(topic);
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                OffsetCommitResponsePartition r = new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                topic.partitions().add(r);
                if (p.partitionIndex() < 0) {
                    r.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                offsets.put(tp, new CommittedOffset(p.committedOffset(),
                        p.committedMetadata() == null ? "" : p.committedMetadata()));
                byPartition.put(tp, r);
            }
        }
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return coordinator.commitOffsets(request.groupId(), request.generationIdOrMemberEpoch(), request.memberId(), offsets)
                .thenApply(errors -> {
                    byPartition.forEach((tp, r) -> r.setErrorCode(errors.getOrDefault(tp, GroupError.NONE).code()));
                    return response;
                });
    }
}
