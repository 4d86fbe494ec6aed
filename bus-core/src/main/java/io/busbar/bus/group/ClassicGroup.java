package io.busbar.bus.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The state machine of one classic Kafka group: members, generations and the join / sync / heartbeat / leave
 * protocol (see {@link GroupState} for the transitions).
 *
 * <p>Not thread-safe: every method runs under the group's monitor ({@code synchronized (group)}). Responses are not
 * completed under the lock: they are queued and {@link #drainCompletions()} hands them to the caller to run after
 * it releases the lock, so a dependent of a future never runs inside a group's lock.
 */
final class ClassicGroup {
    final String groupId;
    private final long initialRebalanceDelayMs;
    private GroupState state = GroupState.EMPTY;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    /** Ids handed out with MEMBER_ID_REQUIRED, with the time by which the member must rejoin with it. */
    private final Map<String, Long> pendingMemberIds = new HashMap<>();
    /** The join phase completes once every member has rejoined and this time has come ... */
    private long joinNotBeforeMs;
    /** ... or at this time, removing whoever has not rejoined. */
    private long joinDeadlineMs;
    /** In CompletingRebalance: members that have not sent SyncGroup by then are removed. */
    private long syncDeadlineMs;
    /** Whether the current join phase started from Empty (then it waits initialRebalanceDelayMs for more members). */
    private boolean initialRebalance;
    private long emptySinceMs;
    private final List<Runnable> completions = new ArrayList<>();
    /** Static members: group.instance.id to the member id currently holding it. */
    private final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids replaced by a newer member with the same group.instance.id: answered FENCED_INSTANCE_ID. */
    private final Set<String> fencedMemberIds = new HashSet<>();

    ClassicGroup(String groupId, long initialRebalanceDelayMs, long nowMs) {
        this.groupId = groupId;
        this.initialRebalanceDelayMs = initialRebalanceDelayMs;
        this.emptySinceMs = nowMs;
    }

    GroupState state() {
        return state;
    }

    int generationId() {
        return generationId;
    }

    boolean hasMembers() {
        return !members.isEmpty();
    }

    long emptySinceMs() {
        return emptySinceMs;
    }

    // ---- JoinGroup ----

    void join(JoinGroupRequest request, CompletableFuture<JoinGroupResult> response, long nowMs) {
        String memberId = request.memberId();
        if (state == GroupState.DEAD) {
            respond(response, JoinGroupResult.error(GroupError.COORDINATOR_NOT_AVAILABLE, memberId));
            return;
        }
        if (request.protocolType() == null || request.protocolType().isEmpty() || request.protocols().isEmpty()
                || !acceptsProtocols(request, memberId)) {
            respond(response, JoinGroupResult.error(GroupError.INCONSISTENT_GROUP_PROTOCOL, memberId));
            return;
        }
        if (request.groupInstanceId() != null && (memberId.isEmpty() || !members.containsKey(memberId))) {
            String previous = staticMembers.get(request.groupInstanceId());
            if (previous != null && members.containsKey(previous)) {
                replaceStaticMember(members.get(previous), request, response, nowMs);
                return;
            }
            if (!memberId.isEmpty() && fencedMemberIds.contains(memberId)) {
                respond(response, JoinGroupResult.error(GroupError.FENCED_INSTANCE_ID, memberId));
                return;
            }
            // a static member's first join: no MEMBER_ID_REQUIRED round trip, as in Kafka
            addMemberAndRebalance(newMemberId(request), request, response, nowMs);
            return;
        }
        if (memberId.isEmpty()) {
            String newId = newMemberId(request);
            if (request.requireKnownMemberId()) {
                pendingMemberIds.put(newId, nowMs + request.sessionTimeoutMs());
                respond(response, JoinGroupResult.error(GroupError.MEMBER_ID_REQUIRED, newId));
            } else {
                addMemberAndRebalance(newId, request, response, nowMs);
            }
            return;
        }
        if (pendingMemberIds.remove(memberId) != null) {
            addMemberAndRebalance(memberId, request, response, nowMs);
            return;
        }
        GroupMember member = members.get(memberId);
        if (member == null) {
            respond(response, JoinGroupResult.error(GroupError.UNKNOWN_MEMBER_ID, memberId));
            return;
        }
        switch (state) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(member, request, response, nowMs);
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(request.protocols())) {
                    // A retried join: the member lost our response; send it again.
                    respond(response, joinResult(member));
                } else {
                    updateMemberAndRebalance(member, request, response, nowMs);
                }
            }
            case STABLE -> {
                if (memberId.equals(leaderId) || !member.sameProtocols(request.protocols())) {
                    updateMemberAndRebalance(member, request, response, nowMs);
                } else {
                    member.touch(nowMs);
                    respond(response, joinResult(member));
                }
            }
            default -> respond(response, JoinGroupResult.error(GroupError.UNKNOWN_MEMBER_ID, memberId));
        }
    }

    private static String newMemberId(JoinGroupRequest request) {
        String prefix = request.groupInstanceId() != null ? request.groupInstanceId()
                : request.clientId() == null || request.clientId().isEmpty() ? "member" : request.clientId();
        return prefix + "-" + UUID.randomUUID();
    }

    /**
     * A static member came back (restarted within its session timeout) under a new member id: it takes the old
     * member's place and assignment; the old id is fenced. In a stable group whose protocol stays the same there is no
     * rebalance, which is the point of static membership; otherwise the group rebalances as for any rejoin.
     */
    private void replaceStaticMember(GroupMember old, JoinGroupRequest request,
                                     CompletableFuture<JoinGroupResult> response, long nowMs) {
        GroupMember member = new GroupMember(newMemberId(request), request, nowMs);
        member.assignment = old.assignment;
        if (old.awaitingJoin != null) {
            respond(old.awaitingJoin, JoinGroupResult.error(GroupError.FENCED_INSTANCE_ID, old.memberId));
        }
        if (old.awaitingSync != null) {
            respond(old.awaitingSync, SyncGroupResult.error(GroupError.FENCED_INSTANCE_ID));
        }
        Map<String, GroupMember> reordered = new LinkedHashMap<>();
        members.forEach((id, m) -> reordered.put(id.equals(old.memberId) ? member.memberId : id, id.equals(old.memberId) ? member : m));
        members.clear();
        members.putAll(reordered);
        fencedMemberIds.add(old.memberId);
        staticMembers.put(request.groupInstanceId(), member.memberId);
        if (old.memberId.equals(leaderId)) {
            leaderId = member.memberId;
        }
        if (state == GroupState.STABLE && protocolName.equals(selectProtocol())) {
            // Kafka's rule: a static member's rejoin rebalances only when it would change the group's protocol
            respond(response, joinResult(member));
        } else if (state == GroupState.PREPARING_REBALANCE) {
            member.awaitingJoin = response;
            maybeCompleteJoin(nowMs);
        } else {
            updateMemberAndRebalance(member, request, response, nowMs);
        }
    }

    /** A joining member must speak the group's protocol type and share at least one protocol with every other member. */
    private boolean acceptsProtocols(JoinGroupRequest request, String joiningMemberId) {
        boolean othersPresent = members.keySet().stream().anyMatch(id -> !id.equals(joiningMemberId));
        if (!othersPresent) {
            return true;
        }
        if (!request.protocolType().equals(protocolType)) {
            return false;
        }
        for (JoinGroupRequest.Protocol p : request.protocols()) {
            boolean all = members.values().stream().filter(m -> !m.memberId.equals(joiningMemberId)).allMatch(m -> m.supports(p.name()));
            if (all) {
                return true;
            }
        }
        return false;
    }

    private void addMemberAndRebalance(String memberId, JoinGroupRequest request,
                                       CompletableFuture<JoinGroupResult> response, long nowMs) {
        GroupMember member = new GroupMember(memberId, request, nowMs);
        member.awaitingJoin = response;
        members.put(memberId, member);
        if (member.groupInstanceId != null) {
            staticMembers.put(member.groupInstanceId, memberId);
        }
        if (protocolType == null) {
            protocolType = request.protocolType();
        }
        if (state != GroupState.PREPARING_REBALANCE) {
            prepareRebalance(nowMs);
        }
        joinDeadlineMs = Math.max(joinDeadlineMs, nowMs + member.rebalanceTimeoutMs);
        if (initialRebalance) {
            // The group's first members: each newcomer gives the others a little more time, up to the rebalance timeout.
            joinNotBeforeMs = Math.min(nowMs + initialRebalanceDelayMs, joinDeadlineMs);
        }
        maybeCompleteJoin(nowMs);
    }

    private void updateMemberAndRebalance(GroupMember member, JoinGroupRequest request,
                                          CompletableFuture<JoinGroupResult> response, long nowMs) {
        member.protocols = request.protocols();
        if (member.awaitingJoin != null) {
            respond(member.awaitingJoin, JoinGroupResult.error(GroupError.REBALANCE_IN_PROGRESS, member.memberId));
        }
        member.awaitingJoin = response;
        member.touch(nowMs);
        if (state != GroupState.PREPARING_REBALANCE) {
            prepareRebalance(nowMs);
        }
        maybeCompleteJoin(nowMs);
    }

    private void prepareRebalance(long nowMs) {
        if (state == GroupState.COMPLETING_REBALANCE) {
            for (GroupMember m : members.values()) {
                m.assignment = GroupMember.noBytes();
                if (m.awaitingSync != null) {
                    respond(m.awaitingSync, SyncGroupResult.error(GroupError.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                    m.touch(nowMs); // it was alive while it waited: its session runs from this answer
                }
            }
        }
        initialRebalance = state == GroupState.EMPTY;
        state = GroupState.PREPARING_REBALANCE;
        int rebalanceTimeout = members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
        joinDeadlineMs = nowMs + rebalanceTimeout;
        joinNotBeforeMs = initialRebalance ? Math.min(nowMs + initialRebalanceDelayMs, joinDeadlineMs) : nowMs;
    }

    /** Ends the join phase when everyone has rejoined, or at the rebalance timeout without those who have not. */
    private void maybeCompleteJoin(long nowMs) {
        if (state != GroupState.PREPARING_REBALANCE) {
            return;
        }
        boolean allJoined = members.values().stream().allMatch(m -> m.awaitingJoin != null);
        boolean timedOut = nowMs >= joinDeadlineMs;
        if (!(allJoined && nowMs >= joinNotBeforeMs) && !timedOut) {
            return;
        }
        members.values().stream().filter(m -> m.awaitingJoin == null).toList().forEach(this::forgetStatic);
        members.values().removeIf(m -> m.awaitingJoin == null);
        generationId++;
        if (members.isEmpty()) {
            becomeEmpty(nowMs);
            return;
        }
        protocolName = selectProtocol();
        if (leaderId == null || !members.containsKey(leaderId)) {
            leaderId = members.keySet().iterator().next();
        }
        state = GroupState.COMPLETING_REBALANCE;
        syncDeadlineMs = nowMs + members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
        for (GroupMember m : members.values()) {
            respond(m.awaitingJoin, joinResult(m));
            m.awaitingJoin = null;
            m.touch(nowMs);
        }
    }

    private void becomeEmpty(long nowMs) {
        state = GroupState.EMPTY;
        protocolName = null;
        protocolType = null;
        leaderId = null;
        emptySinceMs = nowMs;
    }

    /** Kafka's rule: among the protocols every member supports, the one most members prefer. */
    private String selectProtocol() {
        Set<String> candidates = new HashSet<>();
        members.values().iterator().next().protocols.forEach(p -> candidates.add(p.name()));
        members.values().forEach(m -> candidates.removeIf(c -> !m.supports(c)));
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember m : members.values()) {
            votes.merge(m.vote(candidates), 1, Integer::sum);
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private JoinGroupResult joinResult(GroupMember member) {
        List<JoinGroupResult.Member> list = new ArrayList<>();
        if (member.memberId.equals(leaderId)) {
            for (GroupMember m : members.values()) {
                list.add(new JoinGroupResult.Member(m.memberId, m.groupInstanceId, m.metadata(protocolName)));
            }
        }
        return new JoinGroupResult(GroupError.NONE, generationId, protocolType, protocolName, leaderId, member.memberId, list);
    }

    // ---- SyncGroup ----

    void sync(int generation, String memberId, String type, String name, Map<String, byte[]> assignments,
              CompletableFuture<SyncGroupResult> response, long nowMs) {
        GroupError error = validateMember(generation, memberId);
        if (error == GroupError.NONE && (type != null && !type.equals(protocolType) || name != null && !name.equals(protocolName))) {
            error = GroupError.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (error != GroupError.NONE) {
            respond(response, SyncGroupResult.error(error));
            return;
        }
        GroupMember member = members.get(memberId);
        member.touch(nowMs);
        switch (state) {
            case PREPARING_REBALANCE -> respond(response, SyncGroupResult.error(GroupError.REBALANCE_IN_PROGRESS));
            case STABLE -> respond(response, new SyncGroupResult(GroupError.NONE, protocolType, protocolName, member.assignment));
            case COMPLETING_REBALANCE -> {
                member.awaitingSync = response;
                if (memberId.equals(leaderId)) {
                    for (GroupMember m : members.values()) {
                        byte[] a = assignments.get(m.memberId);
                        m.assignment = a == null ? GroupMember.noBytes() : a;
                    }
                    state = GroupState.STABLE;
                    for (GroupMember m : members.values()) {
                        if (m.awaitingSync != null) {
                            respond(m.awaitingSync, new SyncGroupResult(GroupError.NONE, protocolType, protocolName, m.assignment));
                            m.awaitingSync = null;
                        }
                    }
                }
            }
            default -> respond(response, SyncGroupResult.error(GroupError.UNKNOWN_MEMBER_ID));
        }
    }

    private GroupError validateMember(int generation, String memberId) {
        if (state == GroupState.DEAD) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (!members.containsKey(memberId)) {
            return fencedMemberIds.contains(memberId) ? GroupError.FENCED_INSTANCE_ID : GroupError.UNKNOWN_MEMBER_ID;
        }
        if (generation != generationId) {
            return GroupError.ILLEGAL_GENERATION;
        }
        return GroupError.NONE;
    }

    // ---- Heartbeat, LeaveGroup, OffsetCommit checks ----

    GroupError heartbeat(int generation, String memberId, long nowMs) {
        GroupError error = validateMember(generation, memberId);
        if (error != GroupError.NONE) {
            return error;
        }
        members.get(memberId).touch(nowMs);
        return state == GroupState.PREPARING_REBALANCE ? GroupError.REBALANCE_IN_PROGRESS : GroupError.NONE;
    }

    GroupError leave(String memberId, long nowMs) {
        if (state == GroupState.DEAD) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (pendingMemberIds.remove(memberId) != null) {
            return GroupError.NONE;
        }
        GroupMember member = members.get(memberId);
        if (member == null) {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        removeMember(member, nowMs);
        return GroupError.NONE;
    }

    private void removeMember(GroupMember member, long nowMs) {
        members.remove(member.memberId);
        forgetStatic(member);
        if (member.awaitingJoin != null) {
            respond(member.awaitingJoin, JoinGroupResult.error(GroupError.UNKNOWN_MEMBER_ID, member.memberId));
        }
        if (member.awaitingSync != null) {
            respond(member.awaitingSync, SyncGroupResult.error(GroupError.UNKNOWN_MEMBER_ID));
        }
        if (member.memberId.equals(leaderId)) {
            leaderId = null;
        }
        if (state == GroupState.STABLE || state == GroupState.COMPLETING_REBALANCE) {
            prepareRebalance(nowMs);
        }
        maybeCompleteJoin(nowMs);
    }

    private void forgetStatic(GroupMember member) {
        if (member.groupInstanceId != null) {
            staticMembers.remove(member.groupInstanceId, member.memberId);
        }
    }

    /**
     * LeaveGroup by {@code group.instance.id} (v3+; {@code kafka-consumer-groups} and Admin.removeMembersFromConsumerGroup
     * send it with no member id): the static member holding it leaves, and the group rebalances.
     */
    GroupError leaveStatic(String memberId, String groupInstanceId, long nowMs) {
        String current = staticMembers.get(groupInstanceId);
        if (current == null) {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        if (memberId != null && !memberId.isEmpty() && !memberId.equals(current)) {
            return GroupError.FENCED_INSTANCE_ID;
        }
        return leave(current, nowMs);
    }

    /**
     * Kafka's OffsetCommit rules, in Kafka's order: a standalone commit (generation &lt; 0) is allowed while the group
     * has no members; nothing is committed while the group waits for the leader's assignment; otherwise the committer
     * must be a member of the current generation (commits during PreparingRebalance are allowed, so members can
     * commit in onPartitionsRevoked).
     */
    GroupError validateCommit(int generation, String memberId, long nowMs) {
        if (state == GroupState.DEAD) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && state == GroupState.EMPTY) {
            return GroupError.NONE;
        }
        if (state == GroupState.COMPLETING_REBALANCE) {
            // Kafka's order: while the assignment is pending nobody commits; members retry after the rebalance.
            return GroupError.REBALANCE_IN_PROGRESS;
        }
        GroupError error = validateMember(generation, memberId);
        if (error == GroupError.NONE) {
            members.get(memberId).touch(nowMs);
        }
        return error;
    }

    // ---- timers ----

    /** Called periodically: expires sessions, pending member ids, and join/sync phases past their deadlines. */
    void tick(long nowMs) {
        pendingMemberIds.values().removeIf(deadline -> nowMs >= deadline);
        if (state == GroupState.COMPLETING_REBALANCE && nowMs >= syncDeadlineMs) {
            List<GroupMember> late = members.values().stream().filter(m -> m.awaitingSync == null).toList();
            late.forEach(m -> {
                members.remove(m.memberId);
                forgetStatic(m);
            });
            if (late.stream().anyMatch(m -> m.memberId.equals(leaderId))) {
                leaderId = null;
            }
            if (!late.isEmpty()) {
                prepareRebalance(nowMs);
            }
        }
        for (Iterator<GroupMember> it = new ArrayList<>(members.values()).iterator(); it.hasNext(); ) {
            GroupMember m = it.next();
            // Kafka's classic coordinator: a member waiting for a response is alive; one that got its JoinGroup
            // response must send SyncGroup (or heartbeat) within its session timeout, or it is removed and the group
            // rebalances without it (the sync deadline, the rebalance timeout, bounds the whole phase).
            boolean keptAlive = m.awaitingJoin != null || m.awaitingSync != null;
            if (!keptAlive && nowMs >= m.sessionDeadlineMs && members.containsKey(m.memberId)) {
                removeMember(m, nowMs);
            }
        }
        maybeCompleteJoin(nowMs);
    }

    /**
     * The topics the members subscribe to, read from their consumer-protocol metadata; null when the group has
     * members that speak another protocol (then its offsets are in use as a whole).
     */
    Set<String> subscribedTopics() {
        Set<String> topics = new HashSet<>();
        if (members.isEmpty()) {
            return topics;
        }
        if (!ConsumerProtocolCodec.PROTOCOL_TYPE.equals(protocolType) || protocolName == null) {
            return null;
        }
        for (GroupMember m : members.values()) {
            topics.addAll(ConsumerProtocolCodec.decodeSubscription(m.metadata(protocolName)).topics());
        }
        return topics;
    }

    /** Deletion: refused while the group has members (the caller reports NON_EMPTY_GROUP). */
    boolean markDeadIfEmpty() {
        if (state != GroupState.EMPTY && state != GroupState.DEAD) {
            return false;
        }
        state = GroupState.DEAD;
        return true;
    }

    /** Coordinator shutdown: every waiting member is told to find the coordinator again. */
    void shutdown() {
        for (GroupMember m : members.values()) {
            if (m.awaitingJoin != null) {
                respond(m.awaitingJoin, JoinGroupResult.error(GroupError.COORDINATOR_NOT_AVAILABLE, m.memberId));
                m.awaitingJoin = null;
            }
            if (m.awaitingSync != null) {
                respond(m.awaitingSync, SyncGroupResult.error(GroupError.COORDINATOR_NOT_AVAILABLE));
                m.awaitingSync = null;
            }
        }
    }

    GroupSnapshot snapshot() {
        List<GroupSnapshot.Member> list = new ArrayList<>();
        for (GroupMember m : members.values()) {
            byte[] metadata = protocolName == null ? GroupMember.noBytes() : m.metadata(protocolName);
            byte[] assignment = state == GroupState.STABLE ? m.assignment : GroupMember.noBytes();
            list.add(new GroupSnapshot.Member(m.memberId, m.clientId, m.clientHost, metadata, assignment));
        }
        return new GroupSnapshot(groupId, state, protocolType == null ? "" : protocolType,
                protocolName == null ? "" : protocolName, generationId, leaderId == null ? "" : leaderId, list);
    }

    private <T> void respond(CompletableFuture<T> future, T value) {
        completions.add(() -> future.complete(value));
    }

    /** The responses decided under the lock, to be completed by the caller after releasing it. */
    List<Runnable> drainCompletions() {
        if (completions.isEmpty()) {
            return List.of();
        }
        List<Runnable> out = new ArrayList<>(completions);
        completions.clear();
        return out;
    }
}
