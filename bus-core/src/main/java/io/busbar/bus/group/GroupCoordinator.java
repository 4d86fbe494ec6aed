package io.busbar.bus.group;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Kafka's classic group coordinator (early API version; the implementation is landing).
 */
public final class GroupCoordinator implements AutoCloseable {

    private final GroupContext context;
    private final GroupCoordinatorConfig config;

    public GroupCoordinator(GroupContext context, GroupCoordinatorConfig config) {
        this.context = context;
        this.config = config;
    }

    public void start() {
    }

    @Override
    public void close() {
    }

    public CompletableFuture<JoinGroupResult> joinGroup(JoinGroupRequest request) {
        throw new UnsupportedOperationException("landing");
    }

    public CompletableFuture<SyncGroupResult> syncGroup(String groupId, int generationId, String memberId,
                                                        String protocolType, String protocolName,
                                                        Map<String, byte[]> assignments) {
        throw new UnsupportedOperationException("landing");
    }

    public CompletableFuture<GroupError> heartbeat(String groupId, int generationId, String memberId) {
        throw new UnsupportedOperationException("landing");
    }

    public CompletableFuture<GroupError> leaveGroup(String groupId, String memberId) {
        throw new UnsupportedOperationException("landing");
    }

    public CompletableFuture<Map<TopicPartition, GroupError>> commitOffsets(String groupId, int generationId, String memberId,
                                                                           Map<TopicPartition, CommittedOffset> offsets) {
        throw new UnsupportedOperationException("landing");
    }

    public Map<TopicPartition, CommittedOffset> fetchOffsets(String groupId, Collection<TopicPartition> partitions) {
        throw new UnsupportedOperationException("landing");
    }

    public Optional<GroupSnapshot> groupSnapshot(String groupId) {
        throw new UnsupportedOperationException("landing");
    }

    public List<GroupListing> listGroups() {
        return List.of();
    }

    public GroupDescription describeGroup(String groupId) {
        throw new UnsupportedOperationException("landing");
    }

    public Map<TopicPartition, Long> resetOffsets(String groupId, Set<TopicPartition> partitions, OffsetSpec target) {
        throw new UnsupportedOperationException("landing");
    }

    public void deleteGroup(String groupId) {
        throw new UnsupportedOperationException("landing");
    }

    public GroupMembership newMembership(ConsumerConfig config) {
        throw new UnsupportedOperationException("landing");
    }
}
