package io.busbar.bus.group;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Kafka's classic group coordinator for the bus: groups of members that join, sync, heartbeat and leave
 * (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), and committed offsets (OffsetCommit, OffsetFetch) kept durably in
 * {@code __consumer_offsets}. The Kafka wire listener maps each request onto one method here; in-process consumers
 * take part through {@link #newMembership}, so both kinds of client can be members of the same group.
 *
 * <p>Asynchronous: protocol methods never block; JoinGroup's future completes when the rebalance's join phase ends
 * (every member rejoined, or the rebalance timeout passed), SyncGroup's when the leader's assignment arrives, a
 * commit's once it is durable. Futures are completed outside the coordinator's locks, on the calling thread, the
 * coordinator's timer thread or the log's flush thread: dependents should be quick and must not block.
 *
 * <p>Thread-safe. Each group is guarded by its own monitor; a single timer thread expires sessions and offsets.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    private static final long TICK_MS = 50;
    private static final int MAX_GROUP_ID_BYTES = Short.MAX_VALUE;

    private final GroupContext context;
    private final GroupCoordinatorConfig config;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final Set<ConsumerGroupMember> inProcessMembers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final GroupAdministration administration;
    private volatile OffsetStore offsets;
    private volatile boolean closed;

    public GroupCoordinator(GroupContext context, GroupCoordinatorConfig config) {
        this.context = context;
        this.config = config;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "busbar-group-coordinator");
            t.setDaemon(true);
            return t;
        });
        this.administration = new GroupAdministration(this, context);
    }

    /** Loads committed offsets from {@code __consumer_offsets} and starts the session and retention timers. */
    public void start() {
        OffsetStore store = new OffsetStore(context.offsetsLog());
        store.load();
        offsets = store;
        timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::expireOffsets, config.offsetsRetentionCheckIntervalMs(),
                config.offsetsRetentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
        LOG.info("Group coordinator started with committed offsets of {} groups", store.groupIds().size());
    }

    /** Stops the timers and answers every waiting JoinGroup/SyncGroup with COORDINATOR_NOT_AVAILABLE. */
    @Override
    public void close() {
        closed = true;
        for (ConsumerGroupMember m : inProcessMembers) {
            m.stopHeartbeats();
        }
        timer.shutdownNow();
        for (ClassicGroup g : groups.values()) {
            withGroup(g, group -> {
                group.shutdown();
                return null;
            });
        }
    }

    // ---------------------------------------------------------------- the classic group protocol

    /** JoinGroup: completes when the join phase of the rebalance ends (or at once with an error). */
    public CompletableFuture<JoinGroupResult> joinGroup(JoinGroupRequest request) {
        GroupError refused = refuse(request.groupId());
        if (refused == GroupError.NONE && (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs())) {
            refused = GroupError.INVALID_SESSION_TIMEOUT;
        }
        if (refused != GroupError.NONE) {
            return CompletableFuture.completedFuture(JoinGroupResult.error(refused, request.memberId()));
        }
        CompletableFuture<JoinGroupResult> response = new CompletableFuture<>();
        ClassicGroup group = groupFor(request.groupId(), request.memberId().isEmpty() || request.groupInstanceId() != null);
        if (group == null) {
            return CompletableFuture.completedFuture(JoinGroupResult.error(GroupError.UNKNOWN_MEMBER_ID, request.memberId()));
        }
        withGroup(group, g -> {
            g.join(request, response, context.nowMs());
            return null;
        });
        return response;
    }

    /** SyncGroup: the leader hands in {@code assignments} (member id → bytes); everyone gets their own share. */
    public CompletableFuture<SyncGroupResult> syncGroup(String groupId, int generationId, String memberId,
                                                        String protocolType, String protocolName,
                                                        Map<String, byte[]> assignments) {
        GroupError refused = refuse(groupId);
        ClassicGroup group = refused == GroupError.NONE ? groups.get(groupId) : null;
        if (group == null) {
            return CompletableFuture.completedFuture(SyncGroupResult.error(
                    refused == GroupError.NONE ? GroupError.UNKNOWN_MEMBER_ID : refused));
        }
        CompletableFuture<SyncGroupResult> response = new CompletableFuture<>();
        Map<String, byte[]> copy = assignments == null ? Map.of() : Map.copyOf(assignments);
        withGroup(group, g -> {
            g.sync(generationId, memberId, protocolType, protocolName, copy, response, context.nowMs());
            return null;
        });
        return response;
    }

    /** Heartbeat: NONE, REBALANCE_IN_PROGRESS (rejoin), UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION. Never waits. */
    public CompletableFuture<GroupError> heartbeat(String groupId, int generationId, String memberId) {
        return CompletableFuture.completedFuture(onGroup(groupId, g -> g.heartbeat(generationId, memberId, context.nowMs())));
    }

    /** LeaveGroup: removes the member at once and starts a rebalance of the others. */
    public CompletableFuture<GroupError> leaveGroup(String groupId, String memberId) {
        return CompletableFuture.completedFuture(onGroup(groupId, g -> g.leave(memberId, context.nowMs())));
    }

    /** LeaveGroup v3+: by member id, or by {@code group.instance.id} for a static member (member id then optional). */
    public CompletableFuture<GroupError> leaveGroup(String groupId, String memberId, String groupInstanceId) {
        if (groupInstanceId == null) {
            return leaveGroup(groupId, memberId);
        }
        return CompletableFuture.completedFuture(onGroup(groupId, g -> g.leaveStatic(memberId, groupInstanceId, context.nowMs())));
    }

    /**
     * OffsetCommit: checks the member and generation (a standalone commit, generation -1 and member "", is allowed
     * while the group has no members), then completes once the offsets are durable. One error for every partition,
     * except OFFSET_METADATA_TOO_LARGE which is per partition.
     */
    public CompletableFuture<Map<TopicPartition, GroupError>> commitOffsets(String groupId, int generationId, String memberId,
                                                                           Map<TopicPartition, CommittedOffset> offsets) {
        GroupError error = refuse(groupId);
        if (error == GroupError.NONE) {
            ClassicGroup group = groupFor(groupId, true);
            error = withGroup(group, g -> g.validateCommit(generationId, memberId == null ? "" : memberId, context.nowMs()));
        }
        Map<TopicPartition, GroupError> result = new HashMap<>();
        Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
        for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
            String metadata = e.getValue().metadata();
            if (error == GroupError.NONE && metadata != null && metadata.length() > OffsetStore.MAX_METADATA_CHARS) {
                result.put(e.getKey(), GroupError.OFFSET_METADATA_TOO_LARGE);
            } else {
                result.put(e.getKey(), error);
                if (error == GroupError.NONE) {
                    accepted.put(e.getKey(), e.getValue());
                }
            }
        }
        if (accepted.isEmpty()) {
            return CompletableFuture.completedFuture(result);
        }
        CompletableFuture<Map<TopicPartition, GroupError>> done = new CompletableFuture<>();
        try {
            offsets().commit(groupId, accepted, context.nowMs()).whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.warn("Commit of group '{}' failed to become durable", groupId, failure);
                    accepted.keySet().forEach(tp -> result.put(tp, GroupError.KAFKA_STORAGE_ERROR));
                }
                done.complete(result);
            });
        } catch (RuntimeException e) {
            LOG.warn("Commit of group '{}' could not be written", groupId, e);
            accepted.keySet().forEach(tp -> result.put(tp, GroupError.KAFKA_STORAGE_ERROR));
            done.complete(result);
        }
        return done;
    }

    /**
     * TxnOffsetCommit's check, made when the offsets join the transaction: the member and generation when the
     * producer sends them (generation &gt;= 0, Kafka's v3+ form); none otherwise, as Kafka does.
     */
    public GroupError validateTransactionalCommit(String groupId, int generationId, String memberId) {
        GroupError error = refuse(groupId);
        if (error != GroupError.NONE || generationId < 0) {
            return error;
        }
        ClassicGroup group = groupFor(groupId, true);
        return withGroup(group, g -> g.validateCommit(generationId, memberId == null ? "" : memberId, context.nowMs()));
    }

    /**
     * Makes a committed transaction's offsets visible to the group. No member check: it was made at TxnOffsetCommit
     * time, and the transaction's commit decision is final. Completes once the offsets are durable.
     */
    public CompletableFuture<Void> commitTransactionalOffsets(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
        GroupError error = refuse(groupId);
        if (error != GroupError.NONE) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "Cannot commit the transaction's offsets of group '" + groupId + "': " + error));
        }
        return offsets().commit(groupId, offsets, context.nowMs());
    }

    /** OffsetFetch: committed offsets of these partitions (of every partition when null); absent = none committed. */
    public Map<TopicPartition, CommittedOffset> fetchOffsets(String groupId, Collection<TopicPartition> partitions) {
        return offsets().fetch(groupId, partitions);
    }

    /** DescribeGroups: the group's state and members with their raw metadata and assignment; empty when unknown. */
    public Optional<GroupSnapshot> groupSnapshot(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group != null) {
            return Optional.of(withGroup(group, ClassicGroup::snapshot));
        }
        if (offsets().hasOffsets(groupId)) {
            return Optional.of(new GroupSnapshot(groupId, GroupState.EMPTY, "", "", 0, "", List.of()));
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- administration (BusAdmin, ListGroups, DeleteGroups)

    /** Every known group: those with members or state, and those that only have committed offsets (Empty). */
    public List<GroupListing> listGroups() {
        return administration.listGroups();
    }

    /** @throws io.busbar.bus.UnknownGroupException when the group has neither members nor committed offsets */
    public GroupDescription describeGroup(String groupId) {
        return administration.describeGroup(groupId);
    }

    /**
     * Moves the group's committed offsets (of {@code partitions}, or of every partition it has offsets for when
     * empty) and returns the new ones. Blocks until durable: not for network threads.
     *
     * @throws io.busbar.bus.GroupNotEmptyException while the group has members
     */
    public Map<TopicPartition, Long> resetOffsets(String groupId, Set<TopicPartition> partitions, OffsetSpec target) {
        return administration.resetOffsets(groupId, partitions, target);
    }

    /**
     * Deletes an empty group and its committed offsets (tombstones in {@code __consumer_offsets}). Blocks until
     * durable: network threads use {@link #deleteGroupAsync}.
     *
     * @throws io.busbar.bus.GroupNotEmptyException while the group has members
     * @throws io.busbar.bus.UnknownGroupException when there is no such group
     */
    public void deleteGroup(String groupId) {
        administration.deleteGroup(groupId);
    }

    /** OffsetDelete without blocking (for network threads): see {@link OffsetDeletion}; completes once durable. */
    public CompletableFuture<OffsetDeletion> deleteOffsetsAsync(String groupId, Set<TopicPartition> partitions) {
        return administration.deleteOffsetsAsync(groupId, partitions);
    }

    /**
     * DeleteGroups without blocking (for network threads): NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, or
     * KAFKA_STORAGE_ERROR; completes once the tombstones are durable.
     */
    public CompletableFuture<GroupError> deleteGroupAsync(String groupId) {
        GroupError refused = refuse(groupId);
        return refused != GroupError.NONE ? CompletableFuture.completedFuture(refused) : administration.deleteGroupAsync(groupId);
    }

    /** The group side of one in-process consumer; the consumer closes it. */
    public GroupMembership newMembership(ConsumerConfig consumerConfig) {
        ConsumerGroupMember member = new ConsumerGroupMember(this, context, consumerConfig, timer);
        inProcessMembers.add(member);
        return member;
    }

    // ---------------------------------------------------------------- internals shared with the package

    void membershipClosed(ConsumerGroupMember member) {
        inProcessMembers.remove(member);
    }

    /** In-process members of a group (for tests that simulate a crashed consumer). */
    List<ConsumerGroupMember> inProcessMembers(String groupId) {
        return inProcessMembers.stream().filter(m -> m.groupId().equals(groupId)).toList();
    }

    OffsetStore offsets() {
        OffsetStore store = offsets;
        if (store == null) {
            throw new IllegalStateException("The group coordinator is not started: call start() after opening the bus");
        }
        return store;
    }

    ClassicGroup existingGroup(String groupId) {
        return groups.get(groupId);
    }

    Collection<ClassicGroup> allGroups() {
        return groups.values();
    }

    /** Removes a group from the registry once it is Dead. */
    void forget(ClassicGroup group) {
        groups.remove(group.groupId, group);
    }

    /** Runs {@code op} under the group's lock, then completes the responses it decided, outside the lock. */
    <T> T withGroup(ClassicGroup group, Function<ClassicGroup, T> op) {
        T result;
        List<Runnable> completions;
        boolean rebalanceStarted;
        int generation;
        synchronized (group) {
            GroupState before = group.state();
            result = op.apply(group);
            completions = group.drainCompletions();
            rebalanceStarted = before != GroupState.PREPARING_REBALANCE && group.state() == GroupState.PREPARING_REBALANCE;
            generation = group.generationId();
        }
        completions.forEach(Runnable::run);
        if (rebalanceStarted) {
            // In-process members need not wait for their next heartbeat to learn they must rejoin.
            for (ConsumerGroupMember m : inProcessMembers) {
                if (m.groupId().equals(group.groupId)) {
                    m.rebalanceStarted(generation);
                }
            }
        }
        return result;
    }

    private GroupError onGroup(String groupId, Function<ClassicGroup, GroupError> op) {
        GroupError refused = refuse(groupId);
        if (refused != GroupError.NONE) {
            return refused;
        }
        ClassicGroup group = groups.get(groupId);
        return group == null ? GroupError.UNKNOWN_MEMBER_ID : withGroup(group, op);
    }

    private ClassicGroup groupFor(String groupId, boolean create) {
        if (!create) {
            return groups.get(groupId);
        }
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, config.initialRebalanceDelayMs(), context.nowMs()));
    }

    private GroupError refuse(String groupId) {
        if (closed) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (offsets == null) {
            return GroupError.COORDINATOR_LOAD_IN_PROGRESS;
        }
        if (groupId == null || groupId.isEmpty()
                || groupId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_GROUP_ID_BYTES) {
            return GroupError.INVALID_GROUP_ID;
        }
        return GroupError.NONE;
    }

    private void tick() {
        try {
            long now = context.nowMs();
            for (ClassicGroup g : groups.values()) {
                withGroup(g, group -> {
                    group.tick(now);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOG.error("Group session check failed; retrying on the next tick", e);
        }
    }

    private void expireOffsets() {
        try {
            administration.expireOffsets(config.offsetsRetentionMs());
        } catch (RuntimeException e) {
            LOG.error("Expiry of committed offsets failed; retrying on the next check", e);
        }
    }
}
