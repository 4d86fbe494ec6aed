package io.busbar.kafka.handler;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.group.GroupCoordinator;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetFetch: committed offsets of one group (v1-7) or several (v8+); a null topic list means every partition the
 * group has offsets for. A partition without a commit answers offset -1, as Kafka does. Thread-safe.
 */
final class OffsetFetchHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    OffsetFetchHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        OffsetFetchRequestData request = (OffsetFetchRequestData) message;
        OffsetFetchResponseData response = new OffsetFetchResponseData().setErrorCode(Errors.NONE.code());
        if (context.apiVersion() < 8) {
            Map<String, List<Integer>> wanted = null;
            if (request.topics() != null) {
                wanted = new LinkedHashMap<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopic t : request.topics()) {
                    wanted.put(t.name(), t.partitionIndexes());
                }
            }
            for (Map.Entry<String, Map<Integer, CommittedOffset>> t : fetch(request.groupId(), wanted).entrySet()) {
                OffsetFetchResponseData.OffsetFetchResponseTopic topic =
                        new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.getKey());
                t.getValue().forEach((p, o) -> topic.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                        .setPartitionIndex(p).setCommittedOffset(o == null ? -1 : o.offset()).setCommittedLeaderEpoch(-1)
                        .setMetadata(o == null ? "" : o.metadata()).setErrorCode(Errors.NONE.code())));
                response.topics().add(topic);
            }
            return CompletableFuture.completedFuture(response);
        }
        for (OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
            Map<String, List<Integer>> wanted = null;
            if (g.topics() != null) {
                wanted = new LinkedHashMap<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
                    wanted.put(t.name(), t.partitionIndexes());
                }
            }
            OffsetFetchResponseData.OffsetFetchResponseGroup group = new OffsetFetchResponseData.OffsetFetchResponseGroup()
                    .setGroupId(g.groupId()).setErrorCode(Errors.NONE.code());
            for (Map.Entry<String, Map<Integer, CommittedOffset>> t : fetch(g.groupId(), wanted).entrySet()) {
                OffsetFetchResponseData.OffsetFetchResponseTopics topic =
                        new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(t.getKey());
                t.getValue().forEach((p, o) -> topic.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                        .setPartitionIndex(p).setCommittedOffset(o == null ? -1 : o.offset()).setCommittedLeaderEpoch(-1)
                        .setMetadata(o == null ? "" : o.metadata()).setErrorCode(Errors.NONE.code())));
                group.topics().add(topic);
            }
            response.groups().add(group);
        }
        return CompletableFuture.completedFuture(response);
    }

    /** topic -> partition -> committed offset (null: none); {@code wanted} null means all the group has. */
    private Map<String, Map<Integer, CommittedOffset>> fetch(String groupId, Map<String, List<Integer>> wanted) {
        Map<String, Map<Integer, CommittedOffset>> out = new LinkedHashMap<>();
        if (wanted == null) {
            coordinator.fetchOffsets(groupId, null).forEach((tp, o) ->
                    out.computeIfAbsent(tp.topic(), k -> new TreeMap<>()).put(tp.partition(), o));
            return out;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        wanted.forEach((topic, ps) -> ps.forEach(p -> {
            if (p >= 0) {
                partitions.add(new TopicPartition(topic, p));
            }
        }));
        Map<TopicPartition, CommittedOffset> committed = coordinator.fetchOffsets(groupId, partitions);
        wanted.forEach((topic, ps) -> {
            Map<Integer, CommittedOffset> m = out.computeIfAbsent(topic, k -> new LinkedHashMap<>());
            for (int p : ps) {
                m.put(p, p >= 0 ? committed.get(new TopicPartition(topic, p)) : null);
            }
        });
        return out;
    }
}
