package io.busbar.bus.group;

import io.busbar.bus.BusException;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.GroupNotEmptyException;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.StorageException;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownGroupException;
import io.busbar.bus.UnknownTopicException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The administrative side of the coordinator: listing, describing (with lag), resetting and deleting groups, and
 * expiring the offsets of groups that stayed empty past the retention. Blocking (waits for durable writes), so
 * it is for admin threads, not network threads.
 *
 * <p>Thread-safe.
 */
final class GroupAdministration {
    private static final Logger LOG = LoggerFactory.getLogger(GroupAdministration.class);
    private static final long WRITE_TIMEOUT_S = 60;

    private final GroupCoordinator coordinator;
    private final GroupContext context;

    GroupAdministration(GroupCoordinator coordinator, GroupContext context) {
        this.coordinator = coordinator;
        this.context = context;
    }

    List<GroupListing> listGroups() {
        Map<String, GroupListing> out = new LinkedHashMap<>();
        for (ClassicGroup g : coordinator.allGroups()) {
            GroupSnapshot s = coordinator.withGroup(g, ClassicGroup::snapshot);
            if (s.state() != GroupState.DEAD) {
                out.put(s.groupId(), new GroupListing(s.groupId(), s.state().kafkaName(), s.protocolType()));
            }
        }
        for (String id : coordinator.offsets().groupIds()) {
            out.putIfAbsent(id, new GroupListing(id, GroupState.EMPTY.kafkaName(), ""));
        }
        List<GroupListing> list = new ArrayList<>(out.values());
        list.sort(Comparator.comparing(GroupListing::groupId));
        return list;
    }

    GroupDescription describeGroup(String groupId) {
        GroupSnapshot s = coordinator.groupSnapshot(groupId)
                .orElseThrow(() -> new UnknownGroupException("Group '" + groupId
                        + "' does not exist: it has no members and no committed offsets (check the name with listGroups)"));
        boolean consumer = ConsumerProtocolCodec.PROTOCOL_TYPE.equals(s.protocolType());
        List<GroupDescription.Member> members = new ArrayList<>();
        Set<TopicPartition> partitions = new TreeSet<>(coordinator.offsets().partitionsOf(groupId));
        for (GroupSnapshot.Member m : s.members()) {
            List<TopicPartition> assignment = consumer ? ConsumerProtocolCodec.assignedPartitionsOrEmpty(m.assignment()) : List.of();
            partitions.addAll(assignment);
            members.add(new GroupDescription.Member(m.memberId(), m.clientId(), m.clientHost(), assignment));
        }
        Map<TopicPartition, CommittedOffset> committed = coordinator.fetchOffsets(groupId, partitions);
        List<GroupDescription.PartitionOffsets> offsets = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            CommittedOffset c = committed.get(tp);
            long end = endOffsetOrMinusOne(tp);
            long lag;
            if (end < 0) {
                lag = -1;
            } else if (c != null) {
                lag = Math.max(0, end - c.offset());
            } else {
                lag = end - context.startOffset(tp);
            }
            offsets.add(new GroupDescription.PartitionOffsets(tp, c == null ? -1 : c.offset(),
                    c == null ? "" : c.metadata(), end, lag));
        }
        return new GroupDescription(groupId, s.state().kafkaName(), s.protocolType(), s.protocol(), s.generationId(),
                members, offsets);
    }

    private long endOffsetOrMinusOne(TopicPartition tp) {
        if (context.partitionCount(tp.topic()) <= tp.partition()) {
            return -1; // topic deleted or shrunk since the commit
        }
        return context.endOffset(tp);
    }

    Map<TopicPartition, Long> resetOffsets(String groupId, Set<TopicPartition> partitions, OffsetSpec target) {
        requireNoMembers(groupId, "reset the offsets of");
        Set<TopicPartition> which = partitions == null || partitions.isEmpty()
                ? coordinator.offsets().partitionsOf(groupId) : partitions;
        Map<TopicPartition, CommittedOffset> moved = new LinkedHashMap<>();
        Map<TopicPartition, Long> result = new LinkedHashMap<>();
        for (TopicPartition tp : new TreeSet<>(which)) {
            if (context.partitionCount(tp.topic()) <= tp.partition()) {
                throw new UnknownTopicException("Cannot reset group '" + groupId + "' offsets of " + tp
                        + ": the partition does not exist (check the topic name and partition count)");
            }
            long offset = targetOffset(tp, target);
            moved.put(tp, new CommittedOffset(offset));
            result.put(tp, offset);
        }
        Map<TopicPartition, GroupError> errors = await(coordinator.commitOffsets(groupId, -1, "", moved), "reset offsets of group '" + groupId + "'");
        errors.forEach((tp, e) -> {
            if (e == GroupError.NON_EMPTY_GROUP || e == GroupError.UNKNOWN_MEMBER_ID || e == GroupError.ILLEGAL_GENERATION
                    || e == GroupError.REBALANCE_IN_PROGRESS) {
                throw notEmpty(groupId, "reset the offsets of");
            }
            if (e != GroupError.NONE) {
                throw new StorageException("Resetting group '" + groupId + "' offset of " + tp + " failed: " + e
                        + " (check the data directory's disk and retry)");
            }
        });
        return result;
    }

    /** Kafka's reset tool semantics: an explicit offset outside the partition is clamped to its start or end. */
    private long targetOffset(TopicPartition tp, OffsetSpec target) {
        long start = context.startOffset(tp);
        long end = context.endOffset(tp);
        if (target instanceof OffsetSpec.Earliest) {
            return start;
        }
        if (target instanceof OffsetSpec.Latest) {
            return end;
        }
        if (target instanceof OffsetSpec.ForTimestamp t) {
            long found = context.offsetForTimestamp(tp, t.timestamp());
            return found < 0 ? end : found;
        }
        return Math.max(start, Math.min(end, ((OffsetSpec.Explicit) target).offset()));
    }

    void deleteGroup(String groupId) {
        GroupError error = await(deleteGroupAsync(groupId), "delete group '" + groupId + "'");
        switch (error) {
            case NONE -> { }
            case GROUP_ID_NOT_FOUND -> throw new UnknownGroupException("Group '" + groupId
                    + "' does not exist: nothing to delete (check the name with listGroups)");
            case NON_EMPTY_GROUP -> throw notEmpty(groupId, "delete");
            default -> throw new StorageException("Could not delete group '" + groupId + "': " + error
                    + " (the tombstones in __consumer_offsets did not become durable; check the data directory's disk and retry)");
        }
    }

    /** DeleteGroups: NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP or KAFKA_STORAGE_ERROR, once the tombstones are durable. */
    CompletableFuture<GroupError> deleteGroupAsync(String groupId) {
        ClassicGroup group = coordinator.existingGroup(groupId);
        if (group == null && !coordinator.offsets().hasOffsets(groupId)) {
            return CompletableFuture.completedFuture(GroupError.GROUP_ID_NOT_FOUND);
        }
        if (group != null) {
            if (!coordinator.withGroup(group, ClassicGroup::markDeadIfEmpty)) {
                return CompletableFuture.completedFuture(GroupError.NON_EMPTY_GROUP);
            }
            coordinator.forget(group);
        }
        Set<TopicPartition> partitions = coordinator.offsets().partitionsOf(groupId);
        try {
            return coordinator.offsets().delete(groupId, partitions, context.nowMs()).handle((v, failure) -> {
                if (failure != null) {
                    LOG.warn("Deleting group '{}' failed: tombstones not durable", groupId, failure);
                    return GroupError.KAFKA_STORAGE_ERROR;
                }
                LOG.info("Deleted group '{}' and the committed offsets of {} partitions", groupId, partitions.size());
                return GroupError.NONE;
            });
        } catch (RuntimeException e) {
            LOG.warn("Deleting group '{}' failed: tombstones not written", groupId, e);
            return CompletableFuture.completedFuture(GroupError.KAFKA_STORAGE_ERROR);
        }
    }

    /**
     * OffsetDelete, Kafka's rules: GROUP_ID_NOT_FOUND for an unknown group; NON_EMPTY_GROUP for a group with members
     * of another protocol; otherwise each partition's offset is deleted unless a member subscribes to its topic
     * (GROUP_SUBSCRIBED_TO_TOPIC). Completes once the tombstones are durable (KAFKA_STORAGE_ERROR if they are not).
     */
    CompletableFuture<OffsetDeletion> deleteOffsetsAsync(String groupId, Set<TopicPartition> partitions) {
        ClassicGroup group = coordinator.existingGroup(groupId);
        if (group == null && !coordinator.offsets().hasOffsets(groupId)) {
            return CompletableFuture.completedFuture(new OffsetDeletion(GroupError.GROUP_ID_NOT_FOUND, Map.of()));
        }
        Set<String> subscribed = group == null ? Set.of() : coordinator.withGroup(group, ClassicGroup::subscribedTopics);
        if (subscribed == null) {
            return CompletableFuture.completedFuture(new OffsetDeletion(GroupError.NON_EMPTY_GROUP, Map.of()));
        }
        Map<TopicPartition, GroupError> results = new LinkedHashMap<>();
        Set<TopicPartition> deletable = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (subscribed.contains(tp.topic())) {
                results.put(tp, GroupError.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                results.put(tp, GroupError.NONE);
                deletable.add(tp);
            }
        }
        deletable.retainAll(coordinator.offsets().partitionsOf(groupId));
        try {
            return coordinator.offsets().delete(groupId, deletable, context.nowMs()).handle((v, failure) -> {
                if (failure != null) {
                    LOG.warn("Deleting offsets of group '{}' failed: tombstones not durable", groupId, failure);
                    results.replaceAll((tp, e) -> e == GroupError.NONE ? GroupError.KAFKA_STORAGE_ERROR : e);
                }
                return new OffsetDeletion(GroupError.NONE, results);
            });
        } catch (RuntimeException e) {
            LOG.warn("Deleting offsets of group '{}' failed: tombstones not written", groupId, e);
            results.replaceAll((tp, err) -> err == GroupError.NONE ? GroupError.KAFKA_STORAGE_ERROR : err);
            return CompletableFuture.completedFuture(new OffsetDeletion(GroupError.NONE, results));
        }
    }

    /** Deletes the offsets of groups empty for longer than the retention (counted from the later of empty-since and last commit). */
    void expireOffsets(long retentionMs) {
        long now = context.nowMs();
        // Groups that never committed and stayed empty are forgotten too, so ephemeral groups do not pile up.
        for (ClassicGroup group : coordinator.allGroups()) {
            if (!coordinator.offsets().hasOffsets(group.groupId) && coordinator.withGroup(group,
                    g -> g.state() == GroupState.EMPTY && now - g.emptySinceMs() > retentionMs && g.markDeadIfEmpty())) {
                coordinator.forget(group);
            }
        }
        for (String groupId : coordinator.offsets().groupIds()) {
            ClassicGroup group = coordinator.existingGroup(groupId);
            long emptySince = coordinator.offsets().lastCommitTimestamp(groupId);
            if (group != null) {
                Long since = coordinator.withGroup(group, g -> g.hasMembers() || g.state() != GroupState.EMPTY ? null : g.emptySinceMs());
                if (since == null) {
                    continue;
                }
                emptySince = Math.max(emptySince, since);
            }
            if (now - emptySince <= retentionMs) {
                continue;
            }
            if (group != null) {
                if (!coordinator.withGroup(group, ClassicGroup::markDeadIfEmpty)) {
                    continue;
                }
                coordinator.forget(group);
            }
            Set<TopicPartition> partitions = coordinator.offsets().partitionsOf(groupId);
            coordinator.offsets().delete(groupId, partitions, now);
            LOG.info("Expired the committed offsets of group '{}' ({} partitions): empty for more than {} ms",
                    groupId, partitions.size(), retentionMs);
        }
    }

    private void requireNoMembers(String groupId, String action) {
        ClassicGroup group = coordinator.existingGroup(groupId);
        if (group != null && coordinator.withGroup(group, g -> g.hasMembers() || g.state() != GroupState.EMPTY && g.state() != GroupState.DEAD)) {
            throw notEmpty(groupId, action);
        }
    }

    private static GroupNotEmptyException notEmpty(String groupId, String action) {
        return new GroupNotEmptyException("Cannot " + action + " group '" + groupId
                + "' while it has active members: stop its consumers (close them) and retry once the group is Empty");
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(WRITE_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusException("Interrupted while waiting to " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new StorageException("Could not " + what + ": the write to __consumer_offsets did not become durable ("
                    + e.getMessage() + "); check the data directory's disk and retry", e);
        }
    }
}
