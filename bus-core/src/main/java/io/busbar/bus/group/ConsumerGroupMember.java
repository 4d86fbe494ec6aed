package io.busbar.bus.group;

import io.busbar.bus.BusException;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * An in-process consumer's membership of its group: the client side of the classic protocol, as Kafka's
 * ConsumerCoordinator is for KafkaConsumer. It joins with one protocol per configured assignor (metadata in Kafka's
 * ConsumerProtocol subscription format, so Kafka clients in the same group read it), computes the assignment when it
 * leads, runs the rebalance listener on the polling thread and commits offsets.
 *
 * <p>Not thread-safe: the protocol runs on the consumer's thread inside {@link #poll}. Heartbeats run on the
 * coordinator's timer ({@link MemberHeartbeat}), so a consumer busy processing stays in the group until
 * max.poll.interval.ms passes without a poll; the two threads meet only in that class's atomic fields. Commits are
 * in {@link MemberCommits}.
 */
final class ConsumerGroupMember implements GroupMembership {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupMember.class);
    private static final long METADATA_CHECK_INTERVAL_MS = 500;
    private static final long RETRY_BACKOFF_MS = 100;

    private enum Phase { UNJOINED, JOINING, SYNCING, STABLE }

    private final GroupCoordinator coordinator;
    private final GroupContext context;
    private final ConsumerConfig config;
    private final ConsumerAssignors assignors;

    // consumer-thread state
    private Collection<String> topics;
    private Pattern pattern;
    private RebalanceListener listener = RebalanceListener.NONE;
    private AssignmentTarget target;
    private Phase phase = Phase.UNJOINED;
    private CompletableFuture<JoinGroupResult> joinFuture;
    private CompletableFuture<SyncGroupResult> syncFuture;
    private String protocolName;
    private final Set<TopicPartition> owned = new TreeSet<>();
    private Map<String, Integer> joinedTopicPartitions = Map.of();
    private long nextMetadataCheckMs;
    private long retryNotBeforeMs;
    private boolean closed;
    private RuntimeException listenerFailure;

    /** Read by commits from listener callbacks; written only by the consumer thread. */
    private volatile MemberGeneration generation = MemberGeneration.NONE;
    private volatile CompletableFuture<Void> wakeupSignal = new CompletableFuture<>();
    private volatile CompletableFuture<Void> pollNeeded = new CompletableFuture<>();
    private final MemberHeartbeat heartbeat;
    private final MemberCommits commits;

    ConsumerGroupMember(GroupCoordinator coordinator, GroupContext context, ConsumerConfig config, ScheduledExecutorService timer) {
        if (config.groupId() == null || config.groupId().isEmpty()) {
            throw new InvalidConfigException("group.id is not set: a consumer that subscribes needs ConsumerConfig.groupId");
        }
        this.coordinator = coordinator;
        this.context = context;
        this.config = config;
        this.assignors = new ConsumerAssignors(config.assignmentStrategies());
        this.heartbeat = new MemberHeartbeat(coordinator, context, config, timer, () -> pollNeeded.complete(null));
        this.commits = new MemberCommits(coordinator, config);
    }

    String groupId() {
        return config.groupId();
    }

    String clientId() {
        return config.clientId();
    }

    // ---------------------------------------------------------------- subscription

    @Override
    public void subscribe(Collection<String> topics, Pattern pattern, RebalanceListener listener, AssignmentTarget target) {
        this.topics = pattern == null ? List.copyOf(topics) : null;
        this.pattern = pattern;
        this.listener = listener == null ? RebalanceListener.NONE : listener;
        this.target = target;
        if (phase == Phase.STABLE) {
            heartbeat.requestRejoin(generation.id());
        }
        nextMetadataCheckMs = 0;
        heartbeat.polled();
        heartbeat.start();
    }

    @Override
    public void unsubscribe() {
        if (target == null) {
            return;
        }
        leave(true, "unsubscribe");
        topics = null;
        pattern = null;
    }

    private boolean subscribed() {
        return target != null && (topics != null || pattern != null);
    }

    private List<String> subscribedTopics() {
        if (pattern == null) {
            return new ArrayList<>(new TreeSet<>(topics));
        }
        return context.topicNames().stream().filter(t -> pattern.matcher(t).matches()).sorted().toList();
    }

    private Map<String, Integer> partitionCounts(List<String> names) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String t : names) {
            counts.put(t, context.partitionCount(t));
        }
        return counts;
    }

    // ---------------------------------------------------------------- poll: the protocol

    @Override
    public void poll(Duration maxBlock) {
        long now = context.nowMs();
        pollNeeded = new CompletableFuture<>();
        heartbeat.polled();
        commits.runCallbacks();
        if (closed || !subscribed()) {
            return;
        }
        handleLostMembership();
        if (phase == Phase.STABLE) {
            checkMetadata(now);
        }
        // A cooperative member keeps its partitions during a rebalance: like Kafka's, its poll does not wait for the
        // join to complete but goes on fetching, and the protocol advances on later polls.
        long deadline = assignors.cooperative() && !owned.isEmpty() ? now : now + Math.max(0, maxBlock.toMillis());
        CompletableFuture<Void> wake = wakeupSignal;
        while (!wake.isDone()) {
            if (phase == Phase.STABLE) {
                if (!heartbeat.takeRejoinRequest(generation.id())) {
                    break;
                }
                phase = Phase.UNJOINED;
            }
            if (!step(deadline, wake)) {
                break;
            }
        }
        if (wake.isDone()) {
            wakeupSignal = new CompletableFuture<>();
        }
        rethrowListenerFailure();
    }

    /** One transition of the join state machine; false when it must wait longer than the poll allows. */
    private boolean step(long deadline, CompletableFuture<Void> wake) {
        switch (phase) {
            case UNJOINED -> {
                if (context.nowMs() < retryNotBeforeMs) {
                    return false;
                }
                prepareJoin();
                sendJoin();
                return true;
            }
            case JOINING -> {
                if (!await(joinFuture, deadline, wake)) {
                    return false;
                }
                onJoinResponse(joinFuture.join());
                return true;
            }
            case SYNCING -> {
                if (!await(syncFuture, deadline, wake)) {
                    return false;
                }
                onSyncResponse(syncFuture.join());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean await(CompletableFuture<?> future, long deadline, CompletableFuture<Void> wake) {
        if (future.isDone()) {
            return true;
        }
        long wait = deadline - context.nowMs();
        if (wait <= 0) {
            // The consumer goes back to fetching; have it poll again as soon as the response arrives.
            future.whenComplete((r, e) -> pollNeeded.complete(null));
            return false;
        }
        try {
            CompletableFuture.anyOf(future, wake).get(wait, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // timeout: try again on the next poll; failures are seen through the future itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return future.isDone();
    }

    /** Kafka's onJoinPrepare: eager members give up everything (after a last chance to commit) before rejoining. */
    private void prepareJoin() {
        heartbeat.beatFor(null);
        if (owned.isEmpty()) {
            return;
        }
        maybeAutoCommitSync();
        if (!assignors.cooperative()) {
            revoke(new ArrayList<>(owned));
            return;
        }
        // Cooperative: keep owned partitions, except those of topics no longer subscribed.
        Set<String> wanted = Set.copyOf(subscribedTopics());
        List<TopicPartition> unsubscribed = owned.stream().filter(tp -> !wanted.contains(tp.topic())).toList();
        if (!unsubscribed.isEmpty()) {
            revoke(unsubscribed);
        }
    }

    private void sendJoin() {
        List<String> names = subscribedTopics();
        joinedTopicPartitions = partitionCounts(names);
        MemberGeneration g = generation;
        List<org.apache.kafka.common.TopicPartition> ownedKafka = owned.stream()
                .map(tp -> new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition())).toList();
        List<JoinGroupRequest.Protocol> protocols = new ArrayList<>();
        for (ConsumerPartitionAssignor a : assignors.all()) {
            Subscription s = new Subscription(names, a.subscriptionUserData(Set.copyOf(names)), ownedKafka, g.id(), Optional.empty());
            protocols.add(new JoinGroupRequest.Protocol(a.name(), ConsumerProtocolCodec.encodeSubscription(s)));
        }
        int rebalanceTimeout = (int) Math.min(Integer.MAX_VALUE, config.maxPollIntervalMs());
        joinFuture = coordinator.joinGroup(new JoinGroupRequest(config.groupId(), g.memberId(), config.clientId(),
                "in-process", config.sessionTimeoutMs(), rebalanceTimeout, ConsumerProtocolCodec.PROTOCOL_TYPE, protocols, true));
        phase = Phase.JOINING;
    }

    private void onJoinResponse(JoinGroupResult r) {
        switch (r.error()) {
            case NONE -> {
                generation = new MemberGeneration(r.generationId(), r.memberId());
                protocolName = r.protocolName();
                Map<String, byte[]> assignments = r.isLeader()
                        ? assignors.assign(r.protocolName(), r.members(), context) : Map.of();
                syncFuture = coordinator.syncGroup(config.groupId(), r.generationId(), r.memberId(),
                        ConsumerProtocolCodec.PROTOCOL_TYPE, r.protocolName(), assignments);
                phase = Phase.SYNCING;
            }
            case MEMBER_ID_REQUIRED -> {
                generation = new MemberGeneration(-1, r.memberId());
                phase = Phase.UNJOINED;
            }
            case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION -> resetAndRejoin(r.error());
            case REBALANCE_IN_PROGRESS -> phase = Phase.UNJOINED;
            case COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS -> backOff();
            default -> {
                backOff();
                throw new BusException("Consumer '" + config.clientId() + "' cannot join group '" + config.groupId()
                        + "': " + r.error() + joinErrorHint(r.error()));
            }
        }
    }

    private static String joinErrorHint(GroupError error) {
        return switch (error) {
            case INCONSISTENT_GROUP_PROTOCOL -> " (its members use no common assignor: give every consumer of the group"
                    + " at least one shared partition.assignment.strategy)";
            case INVALID_SESSION_TIMEOUT -> " (session.timeout.ms is outside the coordinator's allowed range)";
            case INVALID_GROUP_ID -> " (use a non-empty group id)";
            default -> "";
        };
    }

    private void onSyncResponse(SyncGroupResult r) {
        switch (r.error()) {
            case NONE -> {
                Assignment assignment = ConsumerProtocolCodec.decodeAssignment(r.assignment());
                MemberGeneration g = generation;
                assignors.byName(protocolName).onAssignment(assignment,
                        new ConsumerGroupMetadata(config.groupId(), g.id(), g.memberId(), Optional.empty()));
                phase = Phase.STABLE;
                heartbeat.beatFor(g);
                applyAssignment(assignment);
            }
            case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION -> resetAndRejoin(r.error());
            case COORDINATOR_NOT_AVAILABLE -> backOff();
            default -> phase = Phase.UNJOINED;
        }
    }

    /** Kafka's onJoinComplete: eager adds everything; cooperative revokes what moved away, then rejoins. */
    private void applyAssignment(Assignment assignment) {
        Set<TopicPartition> assigned = new TreeSet<>();
        assignment.partitions().forEach(tp -> assigned.add(new TopicPartition(tp.topic(), tp.partition())));
        List<TopicPartition> revoked = owned.stream().filter(tp -> !assigned.contains(tp)).toList();
        List<TopicPartition> added = assigned.stream().filter(tp -> !owned.contains(tp)).toList();
        if (!revoked.isEmpty()) {
            revoke(revoked);
            heartbeat.requestRejoin(generation.id());
        }
        owned.addAll(added);
        target.partitionsAdded(added);
        callListener(() -> listener.onPartitionsAssigned(added), "onPartitionsAssigned");
    }

    private void revoke(Collection<TopicPartition> partitions) {
        List<TopicPartition> list = List.copyOf(partitions);
        callListener(() -> listener.onPartitionsRevoked(list), "onPartitionsRevoked");
        owned.removeAll(list);
        target.partitionsRemoved(list);
    }

    private void lose() {
        if (owned.isEmpty()) {
            return;
        }
        List<TopicPartition> list = List.copyOf(owned);
        callListener(() -> listener.onPartitionsLost(list), "onPartitionsLost");
        owned.clear();
        target.partitionsRemoved(list);
    }

    /**
     * Runs a listener callback; a failure is logged and kept, the protocol step completes regardless (so the member's
     * state stays consistent), and the failure is thrown at the end of the poll, as Kafka does.
     */
    private void callListener(Runnable call, String name) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.error("RebalanceListener.{} of consumer '{}' in group '{}' failed", name, config.clientId(), config.groupId(), e);
            if (listenerFailure == null) {
                listenerFailure = e;
            }
        }
    }

    private void rethrowListenerFailure() {
        RuntimeException failure = listenerFailure;
        listenerFailure = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** The coordinator no longer knows this member or generation: its partitions are lost and it joins afresh. */
    private void resetAndRejoin(GroupError cause) {
        LOG.info("Consumer '{}' of group '{}' rejoins after {}", config.clientId(), config.groupId(), cause);
        heartbeat.beatFor(null);
        generation = cause == GroupError.UNKNOWN_MEMBER_ID ? MemberGeneration.NONE : new MemberGeneration(-1, generation.memberId());
        phase = Phase.UNJOINED;
        lose();
    }

    private void backOff() {
        phase = Phase.UNJOINED;
        retryNotBeforeMs = context.nowMs() + RETRY_BACKOFF_MS;
    }

    private void handleLostMembership() {
        MemberGeneration lost = heartbeat.takeLost();
        // During a join or sync the coordinator's responses tell the member where it stands.
        if (lost != null && lost.equals(generation) && (phase == Phase.STABLE || phase == Phase.UNJOINED)) {
            resetAndRejoin(GroupError.UNKNOWN_MEMBER_ID);
        }
    }

    /** A subscribed topic appeared, vanished or gained partitions since the join: rejoin so the leader reassigns. */
    private void checkMetadata(long now) {
        if (now < nextMetadataCheckMs) {
            return;
        }
        nextMetadataCheckMs = now + METADATA_CHECK_INTERVAL_MS;
        if (!partitionCounts(subscribedTopics()).equals(joinedTopicPartitions)) {
            phase = Phase.UNJOINED;
        }
    }

    // ---------------------------------------------------------------- called by the coordinator (any thread)

    /**
     * The group left generation {@code generationId} to rebalance: a member of that generation rejoins on its next
     * poll (even if it is still completing its sync) instead of waiting for its next heartbeat.
     */
    void rebalanceStarted(int generationId) {
        heartbeat.requestRejoin(generationId);
    }

    /** Simulates a crash for tests: heartbeats stop for good, as if the process died without leaving. */
    void stopHeartbeats() {
        heartbeat.stop();
    }

    // ---------------------------------------------------------------- offsets

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(owned);
    }

    @Override
    public void commitSync(Map<TopicPartition, CommittedOffset> offsets) {
        commits.commitSync(commitGeneration(), offsets);
    }

    @Override
    public void commitAsync(Map<TopicPartition, CommittedOffset> offsets,
                            BiConsumer<Map<TopicPartition, CommittedOffset>, Throwable> callback) {
        commits.commitAsync(commitGeneration(), offsets, callback);
    }

    /** A member that has joined commits as itself; one that never joined commits standalone (allowed while the group is empty). */
    private MemberGeneration commitGeneration() {
        MemberGeneration g = generation;
        return g.id() < 0 ? MemberGeneration.NONE : g;
    }

    @Override
    public Map<TopicPartition, CommittedOffset> committed(Set<TopicPartition> partitions) {
        return commits.committed(partitions);
    }

    private Map<TopicPartition, CommittedOffset> autoCommitOffsets() {
        Map<TopicPartition, CommittedOffset> out = new HashMap<>();
        if (target != null) {
            target.positions().forEach((tp, pos) -> {
                if (owned.contains(tp)) {
                    out.put(tp, new CommittedOffset(pos));
                }
            });
        }
        return out;
    }

    /**
     * enable.auto.commit: the consumer commits its positions periodically from poll; the membership adds the commits
     * Kafka makes before partitions are given up (rebalance, unsubscribe, close), so nothing polled is skipped.
     */
    private void maybeAutoCommitSync() {
        if (!config.enableAutoCommit()) {
            return;
        }
        try {
            commitSync(autoCommitOffsets());
        } catch (BusException e) {
            LOG.warn("Auto-commit of group '{}' before the rebalance failed: {}", config.groupId(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- leaving

    @Override
    public CompletableFuture<Void> pollNeeded() {
        return pollNeeded;
    }

    @Override
    public void wakeup() {
        wakeupSignal.complete(null);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (target != null) {
                leave(true, "close");
            }
        } catch (RuntimeException e) {
            // Closing must release the member; a failing listener (e.g. a refused commit) is logged, not rethrown.
            LOG.warn("Consumer '{}' of group '{}' closed with a failing rebalance listener: {}", config.clientId(),
                    config.groupId(), e.toString());
        } finally {
            closed = true;
            heartbeat.stop();
            commits.runCallbacks();
            coordinator.membershipClosed(this);
        }
    }

    /** Revokes (after an auto-commit) everything owned and leaves the group at once, without waiting for the session timeout. */
    private void leave(boolean revokeOwned, String why) {
        heartbeat.beatFor(null);
        if (revokeOwned && !owned.isEmpty()) {
            maybeAutoCommitSync();
            revoke(new ArrayList<>(owned));
        }
        MemberGeneration g = generation;
        if (!g.memberId().isEmpty()) {
            coordinator.leaveGroup(config.groupId(), g.memberId());
            LOG.debug("Consumer '{}' left group '{}' ({})", config.clientId(), config.groupId(), why);
        }
        generation = MemberGeneration.NONE;
        phase = Phase.UNJOINED;
        joinFuture = null;
        syncFuture = null;
        rethrowListenerFailure();
    }
}
