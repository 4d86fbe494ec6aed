package io.busbar.bus.group;

import io.busbar.bus.BusException;
import io.busbar.bus.CommitFailedException;
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
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * An in-process consumer's membership of its group: the client side of the classic protocol, as Kafka's
 * ConsumerCoordinator is for KafkaConsumer. It joins with one protocol per configured assignor (metadata in Kafka's
 * ConsumerProtocol subscription format, so Kafka clients in the same group read it), computes the assignment when it
 * leads, runs the rebalance listener on the polling thread and commits offsets.
 *
 * <p>Threads: the protocol runs on the consumer's thread inside {@link #poll}. Heartbeats run on the coordinator's
 * timer thread every heartbeat.interval.ms, so a consumer busy processing stays in the group until
 * max.poll.interval.ms passes without a poll (then the heartbeat leaves the group for it, as Kafka's does). The two
 * threads share only the volatile/atomic fields below.
 */
final class ConsumerGroupMember implements GroupMembership {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupMember.class);
    private static final long COMMIT_TIMEOUT_MS = 60_000;
    private static final long METADATA_CHECK_INTERVAL_MS = 500;
    private static final long RETRY_BACKOFF_MS = 100;

    private enum Phase { UNJOINED, JOINING, SYNCING, STABLE }

    /** A generation of the group as this member knows it. */
    private record Generation(int id, String memberId) {
        static final Generation NONE = new Generation(-1, "");
    }

    private final GroupCoordinator coordinator;
    private final GroupContext context;
    private final ConsumerConfig config;
    private final ScheduledExecutorService timer;
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
    private long nextAutoCommitMs;
    private long retryNotBeforeMs;
    private boolean closed;

    // shared with the heartbeat thread
    private volatile Generation generation = Generation.NONE;
    /** The generation heartbeats are sent for; null while not in a stable generation. */
    private volatile Generation heartbeating;
    private volatile long lastPollMs;
    private final AtomicReference<Generation> rejoinRequestedFor = new AtomicReference<>();
    private final AtomicReference<Generation> lostFor = new AtomicReference<>();
    private volatile ScheduledFuture<?> heartbeatTask;
    private volatile boolean heartbeatsStopped;
    private volatile CompletableFuture<Void> wakeupSignal = new CompletableFuture<>();
    private final Queue<Runnable> commitCallbacks = new ConcurrentLinkedQueue<>();

    ConsumerGroupMember(GroupCoordinator coordinator, GroupContext context, ConsumerConfig config, ScheduledExecutorService timer) {
        if (config.groupId() == null || config.groupId().isEmpty()) {
            throw new InvalidConfigException("group.id is not set: a consumer that subscribes needs ConsumerConfig.groupId");
        }
        this.coordinator = coordinator;
        this.context = context;
        this.config = config;
        this.timer = timer;
        this.assignors = new ConsumerAssignors(config.assignmentStrategies());
        this.lastPollMs = context.nowMs();
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
            requestRejoin(generation);
        }
        nextMetadataCheckMs = 0;
        startHeartbeats();
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
        lastPollMs = now;
        runCommitCallbacks();
        if (closed || !subscribed()) {
            return;
        }
        long deadline = now + Math.max(0, maxBlock.toMillis());
        handleLostMembership();
        if (phase == Phase.STABLE) {
            checkMetadata(now);
            Generation rejoin = rejoinRequestedFor.get();
            if (rejoin != null && rejoin.equals(generation) && rejoinRequestedFor.compareAndSet(rejoin, null)) {
                phase = Phase.UNJOINED;
            }
            maybeAutoCommit(now);
        }
        CompletableFuture<Void> wake = wakeupSignal;
        while (phase != Phase.STABLE && !wake.isDone()) {
            if (!step(deadline, wake)) {
                break;
            }
        }
        if (wake.isDone()) {
            wakeupSignal = new CompletableFuture<>();
        }
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
        heartbeating = null;
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
        Generation g = generation;
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
                generation = new Generation(r.generationId(), r.memberId());
                protocolName = r.protocolName();
                Map<String, byte[]> assignments = r.isLeader()
                        ? assignors.assign(r.protocolName(), r.members(), context) : Map.of();
                syncFuture = coordinator.syncGroup(config.groupId(), r.generationId(), r.memberId(),
                        ConsumerProtocolCodec.PROTOCOL_TYPE, r.protocolName(), assignments);
                phase = Phase.SYNCING;
            }
            case MEMBER_ID_REQUIRED -> {
                generation = new Generation(-1, r.memberId());
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
                Generation g = generation;
                assignors.byName(protocolName).onAssignment(assignment,
                        new ConsumerGroupMetadata(config.groupId(), g.id(), g.memberId(), Optional.empty()));
                phase = Phase.STABLE;
                heartbeating = g;
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
        RuntimeException failure = null;
        if (!revoked.isEmpty()) {
            failure = revoke(revoked);
            requestRejoin(generation);
        }
        owned.addAll(added);
        target.partitionsAdded(added);
        RuntimeException f = callListener(() -> listener.onPartitionsAssigned(added), "onPartitionsAssigned");
        failure = failure == null ? f : failure;
        if (failure != null) {
            throw failure;
        }
    }

    private RuntimeException revoke(Collection<TopicPartition> partitions) {
        List<TopicPartition> list = List.copyOf(partitions);
        RuntimeException failure = callListener(() -> listener.onPartitionsRevoked(list), "onPartitionsRevoked");
        owned.removeAll(list);
        target.partitionsRemoved(list);
        return failure;
    }

    private void lose() {
        if (owned.isEmpty()) {
            return;
        }
        List<TopicPartition> list = List.copyOf(owned);
        RuntimeException failure = callListener(() -> listener.onPartitionsLost(list), "onPartitionsLost");
        owned.clear();
        target.partitionsRemoved(list);
        if (failure != null) {
            throw failure;
        }
    }

    private RuntimeException callListener(Runnable call, String name) {
        try {
            call.run();
            return null;
        } catch (RuntimeException e) {
            LOG.error("RebalanceListener.{} of consumer '{}' in group '{}' failed", name, config.clientId(), config.groupId(), e);
            return e;
        }
    }

    /** The coordinator no longer knows this member or generation: its partitions are lost and it joins afresh. */
    private void resetAndRejoin(GroupError cause) {
        LOG.info("Consumer '{}' of group '{}' rejoins after {}", config.clientId(), config.groupId(), cause);
        heartbeating = null;
        generation = cause == GroupError.UNKNOWN_MEMBER_ID ? Generation.NONE : new Generation(-1, generation.memberId());
        phase = Phase.UNJOINED;
        lose();
    }

    private void backOff() {
        phase = Phase.UNJOINED;
        retryNotBeforeMs = context.nowMs() + RETRY_BACKOFF_MS;
    }

    private void handleLostMembership() {
        Generation lost = lostFor.getAndSet(null);
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

    private void requestRejoin(Generation g) {
        rejoinRequestedFor.set(g);
    }

    // ---------------------------------------------------------------- heartbeats (timer thread)

    private void startHeartbeats() {
        if (heartbeatTask == null && !heartbeatsStopped) {
            heartbeatTask = timer.scheduleAtFixedRate(this::heartbeat, config.heartbeatIntervalMs(),
                    config.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        try {
            Generation g = heartbeating;
            if (g == null || heartbeatsStopped) {
                return;
            }
            if (context.nowMs() - lastPollMs > config.maxPollIntervalMs()) {
                LOG.warn("Consumer '{}' did not poll for more than max.poll.interval.ms ({} ms): it leaves group '{}'"
                        + " and its partitions go to other members (poll more often or lower max.poll.records)",
                        config.clientId(), config.maxPollIntervalMs(), config.groupId());
                heartbeating = null;
                coordinator.leaveGroup(config.groupId(), g.memberId());
                lostFor.set(g);
                return;
            }
            GroupError error = coordinator.heartbeat(config.groupId(), g.id(), g.memberId()).getNow(GroupError.NONE);
            switch (error) {
                case REBALANCE_IN_PROGRESS -> requestRejoin(g);
                case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION -> {
                    if (heartbeating == g) {
                        heartbeating = null;
                    }
                    lostFor.set(g);
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat of consumer '{}' in group '{}' failed", config.clientId(), config.groupId(), e);
        }
    }

    /** Simulates a crash for tests: heartbeats stop for good, as if the process died without leaving. */
    void stopHeartbeats() {
        heartbeatsStopped = true;
        ScheduledFuture<?> task = heartbeatTask;
        if (task != null) {
            task.cancel(false);
        }
    }

    // ---------------------------------------------------------------- offsets

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(owned);
    }

    @Override
    public void commitSync(Map<TopicPartition, CommittedOffset> offsets) {
        runCommitCallbacks();
        if (offsets.isEmpty()) {
            return;
        }
        Generation g = commitGeneration();
        Map<TopicPartition, GroupError> result;
        try {
            result = coordinator.commitOffsets(config.groupId(), g.id(), g.memberId(), offsets)
                    .get(COMMIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommitFailedException("Interrupted while committing offsets of group '" + config.groupId() + "'", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommitFailedException("Commit of group '" + config.groupId() + "' did not complete: " + e, e);
        }
        GroupError error = firstError(result);
        if (error != GroupError.NONE) {
            throw commitFailed(error, g);
        }
    }

    @Override
    public void commitAsync(Map<TopicPartition, CommittedOffset> offsets,
                            BiConsumer<Map<TopicPartition, CommittedOffset>, Throwable> callback) {
        Generation g = commitGeneration();
        Map<TopicPartition, CommittedOffset> copy = Map.copyOf(offsets);
        coordinator.commitOffsets(config.groupId(), g.id(), g.memberId(), copy).whenComplete((result, failure) -> {
            Throwable error = failure;
            if (error == null && firstError(result) != GroupError.NONE) {
                error = commitFailed(firstError(result), g);
            }
            Throwable e = error;
            if (callback != null) {
                commitCallbacks.add(() -> callback.accept(copy, e));
            }
        });
    }

    /** A member that has joined commits as itself; one that never joined commits standalone (allowed while the group is empty). */
    private Generation commitGeneration() {
        Generation g = generation;
        return g.id() < 0 ? Generation.NONE : g;
    }

    private static GroupError firstError(Map<TopicPartition, GroupError> result) {
        return result.values().stream().filter(e -> e != GroupError.NONE).findFirst().orElse(GroupError.NONE);
    }

    private CommitFailedException commitFailed(GroupError error, Generation g) {
        String why = switch (error) {
            case ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID -> g.id() < 0
                    ? "the group has active members and this consumer is not one of them (subscribe and poll, or use another group)"
                    : "this consumer is no longer a member of generation " + g.id()
                    + " (its partitions were reassigned after a rebalance, session timeout or max.poll.interval.ms);"
                    + " records processed since the last commit will be processed again by their new owner";
            case REBALANCE_IN_PROGRESS -> "the group is rebalancing; commit again after the next poll";
            case KAFKA_STORAGE_ERROR -> "the commit could not be made durable (check the data directory's disk)";
            case OFFSET_METADATA_TOO_LARGE -> "offset metadata is longer than " + OffsetStore.MAX_METADATA_CHARS + " characters";
            default -> error.toString();
        };
        return new CommitFailedException("Commit of group '" + config.groupId() + "' by consumer '" + config.clientId()
                + "' refused (" + error + "): " + why);
    }

    private void runCommitCallbacks() {
        Runnable r;
        while ((r = commitCallbacks.poll()) != null) {
            r.run();
        }
    }

    @Override
    public Map<TopicPartition, CommittedOffset> committed(Set<TopicPartition> partitions) {
        return coordinator.fetchOffsets(config.groupId(), partitions);
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

    private void maybeAutoCommit(long now) {
        if (config.enableAutoCommit() && now >= nextAutoCommitMs) {
            nextAutoCommitMs = now + config.autoCommitIntervalMs();
            Map<TopicPartition, CommittedOffset> offsets = autoCommitOffsets();
            if (!offsets.isEmpty()) {
                commitAsync(offsets, (o, e) -> {
                    if (e != null) {
                        LOG.warn("Auto-commit of group '{}' failed: {}", config.groupId(), e.getMessage());
                    }
                });
            }
        }
    }

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
            stopHeartbeats();
            runCommitCallbacks();
            coordinator.membershipClosed(this);
        }
    }

    /** Revokes (after an auto-commit) everything owned and leaves the group at once, without waiting for the session timeout. */
    private void leave(boolean revokeOwned, String why) {
        heartbeating = null;
        RuntimeException failure = null;
        if (revokeOwned && !owned.isEmpty()) {
            maybeAutoCommitSync();
            failure = revoke(new ArrayList<>(owned));
        }
        Generation g = generation;
        if (!g.memberId().isEmpty()) {
            coordinator.leaveGroup(config.groupId(), g.memberId());
            LOG.debug("Consumer '{}' left group '{}' ({})", config.clientId(), config.groupId(), why);
        }
        generation = Generation.NONE;
        phase = Phase.UNJOINED;
        joinFuture = null;
        syncFuture = null;
        if (failure != null) {
            throw failure;
        }
    }
}
