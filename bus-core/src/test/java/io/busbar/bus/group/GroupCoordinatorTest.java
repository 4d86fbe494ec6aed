package io.busbar.bus.group;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupNotEmptyException;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownGroupException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The classic protocol driven directly, as the Kafka wire listener drives it. */
class GroupCoordinatorTest {
    private static final TopicPartition T0 = new TopicPartition("orders", 0);
    private static final TopicPartition T1 = new TopicPartition("orders", 1);

    @TempDir
    Path dir;
    private TestGroupContext context;
    private GroupCoordinator coordinator;

    @BeforeEach
    void start() {
        context = new TestGroupContext(TestGroupContext.openOffsetsLog(dir)).topic("orders", 2);
        coordinator = newCoordinator(60_000);
    }

    private GroupCoordinator newCoordinator(long retentionMs) {
        GroupCoordinator c = new GroupCoordinator(context, new GroupCoordinatorConfig(retentionMs, 100, 0, 100, 60_000));
        c.start();
        return c;
    }

    /** Closes the coordinator and its log and opens both again from the files, as a bus restart does. */
    private void restart(long retentionMs) {
        coordinator.close();
        context.offsetsLog().close();
        Map<String, Integer> topics = context.partitions;
        context = new TestGroupContext(TestGroupContext.openOffsetsLog(dir));
        context.partitions.putAll(topics);
        coordinator = newCoordinator(retentionMs);
    }

    @AfterEach
    void stop() {
        coordinator.close();
        context.offsetsLog().close();
    }

    private static JoinGroupRequest join(String memberId, String... protocols) {
        List<JoinGroupRequest.Protocol> list = java.util.Arrays.stream(protocols)
                .map(p -> new JoinGroupRequest.Protocol(p, p.getBytes())).toList();
        return new JoinGroupRequest("g", memberId, "client", "/127.0.0.1", 1000, 2000, "consumer", list, false);
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void twoMembersJoinOneGenerationAndTheLeaderAssignsBoth() throws Exception {
        JoinGroupResult first = get(coordinator.joinGroup(join("", "range")));
        assertThat(first.error()).isEqualTo(GroupError.NONE);
        assertThat(get(coordinator.syncGroup("g", first.generationId(), first.memberId(), "consumer", "range",
                Map.of(first.memberId(), new byte[]{1}))).assignment()).containsExactly(1);

        CompletableFuture<JoinGroupResult> secondJoin = coordinator.joinGroup(join("", "range"));
        // The join phase waits for the existing member to rejoin; its heartbeat tells it to.
        assertThat(get(coordinator.heartbeat("g", first.generationId(), first.memberId()))).isEqualTo(GroupError.REBALANCE_IN_PROGRESS);
        assertThat(secondJoin).isNotDone();
        JoinGroupResult firstAgain = get(coordinator.joinGroup(join(first.memberId(), "range")));
        JoinGroupResult second = get(secondJoin);

        assertThat(firstAgain.generationId()).isEqualTo(second.generationId()).isEqualTo(first.generationId() + 1);
        assertThat(firstAgain.isLeader()).isTrue();
        assertThat(firstAgain.members()).extracting(JoinGroupResult.Member::memberId)
                .containsExactlyInAnyOrder(first.memberId(), second.memberId());
        assertThat(second.members()).isEmpty();

        CompletableFuture<SyncGroupResult> followerSync = coordinator.syncGroup("g", second.generationId(), second.memberId(), "consumer", "range", Map.of());
        assertThat(followerSync).isNotDone();
        coordinator.syncGroup("g", firstAgain.generationId(), firstAgain.memberId(), "consumer", "range",
                Map.of(first.memberId(), new byte[]{1}, second.memberId(), new byte[]{2}));
        assertThat(get(followerSync).assignment()).containsExactly(2);
        assertThat(coordinator.groupSnapshot("g").orElseThrow().state()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void newMemberFirstGetsMemberIdRequiredWhenItAsksForIt() throws Exception {
        JoinGroupRequest request = new JoinGroupRequest("g", "", "c", "h", 1000, 2000, "consumer",
                List.of(new JoinGroupRequest.Protocol("range", new byte[0])), true);
        JoinGroupResult r = get(coordinator.joinGroup(request));
        assertThat(r.error()).isEqualTo(GroupError.MEMBER_ID_REQUIRED);
        assertThat(r.memberId()).isNotEmpty();
        JoinGroupResult joined = get(coordinator.joinGroup(join(r.memberId(), "range")));
        assertThat(joined.error()).isEqualTo(GroupError.NONE);
        assertThat(joined.memberId()).isEqualTo(r.memberId());
    }

    @Test
    void memberWithoutACommonProtocolIsRejected() throws Exception {
        get(coordinator.joinGroup(join("", "range")));
        assertThat(get(coordinator.joinGroup(join("", "roundrobin"))).error()).isEqualTo(GroupError.INCONSISTENT_GROUP_PROTOCOL);
    }

    @Test
    void chosenProtocolIsTheOneMostMembersPrefer() throws Exception {
        CompletableFuture<JoinGroupResult> a = coordinator.joinGroup(join("", "roundrobin", "range"));
        // With no initial delay the first member's join completes at once; the second triggers a new generation.
        JoinGroupResult first = get(a);
        CompletableFuture<JoinGroupResult> b = coordinator.joinGroup(join("", "range", "roundrobin"));
        CompletableFuture<JoinGroupResult> c = coordinator.joinGroup(join("", "range"));
        JoinGroupResult rejoined = get(coordinator.joinGroup(join(first.memberId(), "roundrobin", "range")));
        assertThat(rejoined.protocolName()).isEqualTo("range");
        assertThat(get(b).protocolName()).isEqualTo("range");
        assertThat(get(c).protocolName()).isEqualTo("range");
    }

    @Test
    void memberThatStopsHeartbeatingIsRemovedAfterItsSessionTimeout() throws Exception {
        JoinGroupResult a = get(coordinator.joinGroup(join("", "range")));
        get(coordinator.syncGroup("g", a.generationId(), a.memberId(), null, null, Map.of()));
        CompletableFuture<JoinGroupResult> bJoin = coordinator.joinGroup(join("", "range"));
        JoinGroupResult aAgain = get(coordinator.joinGroup(join(a.memberId(), "range")));
        JoinGroupResult b = get(bJoin);
        get(coordinator.syncGroup("g", aAgain.generationId(), aAgain.memberId(), null, null, Map.of()));
        get(coordinator.syncGroup("g", b.generationId(), b.memberId(), null, null, Map.of()));

        // b keeps heartbeating, a goes silent: after a's 1 s session timeout the group rebalances without it.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                get(coordinator.heartbeat("g", b.generationId(), b.memberId())) == GroupError.REBALANCE_IN_PROGRESS);
        JoinGroupResult bAlone = get(coordinator.joinGroup(join(b.memberId(), "range")));
        assertThat(bAlone.members()).extracting(JoinGroupResult.Member::memberId).containsExactly(b.memberId());
        assertThat(get(coordinator.heartbeat("g", a.generationId(), a.memberId()))).isEqualTo(GroupError.UNKNOWN_MEMBER_ID);
    }

    @Test
    void staleGenerationCannotCommit() throws Exception {
        JoinGroupResult a = get(coordinator.joinGroup(join("", "range")));
        get(coordinator.syncGroup("g", a.generationId(), a.memberId(), null, null, Map.of()));
        assertThat(get(coordinator.commitOffsets("g", a.generationId(), a.memberId(), Map.of(T0, new CommittedOffset(5)))))
                .containsEntry(T0, GroupError.NONE);

        coordinator.joinGroup(join("", "range"));
        JoinGroupResult a2 = get(coordinator.joinGroup(join(a.memberId(), "range")));
        assertThat(a2.generationId()).isGreaterThan(a.generationId());
        // While the new generation waits for its assignment nobody commits.
        assertThat(get(coordinator.commitOffsets("g", a2.generationId(), a2.memberId(), Map.of(T0, new CommittedOffset(6)))))
                .containsEntry(T0, GroupError.REBALANCE_IN_PROGRESS);
        get(coordinator.syncGroup("g", a2.generationId(), a2.memberId(), null, null, Map.of()));

        assertThat(get(coordinator.commitOffsets("g", a.generationId(), a.memberId(), Map.of(T0, new CommittedOffset(9)))))
                .containsEntry(T0, GroupError.ILLEGAL_GENERATION);
        assertThat(get(coordinator.commitOffsets("g", a2.generationId(), "someone-else", Map.of(T0, new CommittedOffset(9)))))
                .containsEntry(T0, GroupError.UNKNOWN_MEMBER_ID);
        assertThat(coordinator.fetchOffsets("g", Set.of(T0))).containsEntry(T0, new CommittedOffset(5));
    }

    @Test
    void standaloneCommitIsAllowedOnlyWhileTheGroupHasNoMembers() throws Exception {
        assertThat(get(coordinator.commitOffsets("g", -1, "", Map.of(T0, new CommittedOffset(3, "m")))))
                .containsEntry(T0, GroupError.NONE);
        assertThat(coordinator.fetchOffsets("g", Set.of(T0, T1))).containsExactly(Map.entry(T0, new CommittedOffset(3, "m")));

        JoinGroupResult member = get(coordinator.joinGroup(join("", "range")));
        get(coordinator.syncGroup("g", member.generationId(), member.memberId(), null, null, Map.of()));
        assertThat(get(coordinator.commitOffsets("g", -1, "", Map.of(T0, new CommittedOffset(4)))))
                .containsEntry(T0, GroupError.UNKNOWN_MEMBER_ID);
    }

    @Test
    void committedOffsetsSurviveARestartAndDeletionRemovesThem() throws Exception {
        get(coordinator.commitOffsets("g", -1, "", Map.of(T0, new CommittedOffset(7, "meta"), T1, new CommittedOffset(8))));
        get(coordinator.commitOffsets("g", -1, "", Map.of(T0, new CommittedOffset(9, "later"))));
        get(coordinator.commitOffsets("other", -1, "", Map.of(T0, new CommittedOffset(1))));
        restart(60_000);
        assertThat(coordinator.fetchOffsets("g", null)).containsOnly(
                Map.entry(T0, new CommittedOffset(9, "later")), Map.entry(T1, new CommittedOffset(8)));

        coordinator.deleteGroup("g");
        assertThat(coordinator.fetchOffsets("g", null)).isEmpty();
        restart(60_000);
        assertThat(coordinator.fetchOffsets("g", null)).isEmpty();
        assertThat(coordinator.fetchOffsets("other", null)).containsEntry(T0, new CommittedOffset(1));
        assertThatThrownBy(() -> coordinator.deleteGroup("g")).isInstanceOf(UnknownGroupException.class);
    }

    @Test
    void resetAndDeleteAreRefusedWhileTheGroupHasMembers() throws Exception {
        get(coordinator.joinGroup(join("", "range")));
        assertThatThrownBy(() -> coordinator.resetOffsets("g", Set.of(T0), OffsetSpec.earliest()))
                .isInstanceOf(GroupNotEmptyException.class)
                .hasMessageContaining("'g'").hasMessageContaining("stop its consumers");
        assertThatThrownBy(() -> coordinator.deleteGroup("g")).isInstanceOf(GroupNotEmptyException.class);
        assertThat(get(coordinator.deleteGroupAsync("g"))).isEqualTo(GroupError.NON_EMPTY_GROUP);
        assertThat(get(coordinator.deleteGroupAsync("never-seen"))).isEqualTo(GroupError.GROUP_ID_NOT_FOUND);
    }

    @Test
    void resetMovesOffsetsOfAnEmptyGroup() {
        context.endOffsets.put(T0, 50L);
        context.endOffsets.put(T1, 20L);
        assertThat(coordinator.resetOffsets("g", Set.of(T0, T1), OffsetSpec.latest())).containsOnly(Map.entry(T0, 50L), Map.entry(T1, 20L));
        assertThat(coordinator.resetOffsets("g", Set.of(), OffsetSpec.explicit(30))).containsOnly(Map.entry(T0, 30L), Map.entry(T1, 20L));
        assertThat(coordinator.resetOffsets("g", Set.of(T0), OffsetSpec.earliest())).containsOnly(Map.entry(T0, 0L));

        GroupDescription d = coordinator.describeGroup("g");
        assertThat(d.state()).isEqualTo("Empty");
        assertThat(d.offsets()).containsExactly(
                new GroupDescription.PartitionOffsets(T0, 0, "", 50, 50),
                new GroupDescription.PartitionOffsets(T1, 20, "", 20, 0));
    }

    @Test
    void offsetsOfAGroupEmptyLongerThanTheRetentionExpire() throws Exception {
        restart(5_000);
        get(coordinator.commitOffsets("g", -1, "", Map.of(T0, new CommittedOffset(7))));
        get(coordinator.commitOffsets("active", -1, "", Map.of(T0, new CommittedOffset(7))));
        JoinGroupResult member = get(coordinator.joinGroup(new JoinGroupRequest("active", "", "c", "h", 60_000, 60_000,
                "consumer", List.of(new JoinGroupRequest.Protocol("range", new byte[0])), false)));
        assertThat(member.error()).isEqualTo(GroupError.NONE);

        context.clockSkewMs.set(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.fetchOffsets("g", null).isEmpty());
        assertThat(coordinator.listGroups()).extracting(l -> l.groupId()).containsExactly("active");
        assertThat(coordinator.fetchOffsets("active", null)).containsEntry(T0, new CommittedOffset(7));
    }

    @Test
    void leavingMemberTriggersARebalanceOfTheOthers() throws Exception {
        JoinGroupResult a = get(coordinator.joinGroup(join("", "range")));
        CompletableFuture<JoinGroupResult> bJoin = coordinator.joinGroup(join("", "range"));
        JoinGroupResult a2 = get(coordinator.joinGroup(join(a.memberId(), "range")));
        JoinGroupResult b = get(bJoin);
        get(coordinator.syncGroup("g", a2.generationId(), a2.memberId(), null, null, Map.of()));
        assertThat(get(coordinator.leaveGroup("g", b.memberId()))).isEqualTo(GroupError.NONE);
        assertThat(get(coordinator.heartbeat("g", a2.generationId(), a2.memberId()))).isEqualTo(GroupError.REBALANCE_IN_PROGRESS);
        assertThat(get(coordinator.leaveGroup("g", a.memberId()))).isEqualTo(GroupError.NONE);
        assertThat(coordinator.groupSnapshot("g").orElseThrow().state()).isEqualTo(GroupState.EMPTY);
    }

    private static JoinGroupRequest join(String memberId, String instanceId, int sessionMs, int rebalanceMs) {
        return new JoinGroupRequest("g", memberId, "client", "/127.0.0.1", sessionMs, rebalanceMs, "consumer",
                List.of(new JoinGroupRequest.Protocol("range", new byte[]{7})), false, instanceId);
    }

    @Test
    void memberThatNeverSyncsIsRemovedAfterItsSessionTimeoutNotTheRebalanceTimeout() throws Exception {
        JoinGroupResult a = get(coordinator.joinGroup(join("", null, 1000, 30_000)));
        CompletableFuture<JoinGroupResult> bJoin = coordinator.joinGroup(join("", null, 1000, 30_000));
        JoinGroupResult leader = get(coordinator.joinGroup(join(a.memberId(), null, 1000, 30_000)));
        JoinGroupResult b = get(bJoin);
        assertThat(leader.isLeader()).isTrue();
        assertThat(coordinator.groupSnapshot("g").orElseThrow().state()).isEqualTo(GroupState.COMPLETING_REBALANCE);

        // b asks for its assignment; the leader dies before SyncGroup. Kafka drops it after its 1 s session timeout,
        // not after the 30 s rebalance timeout, and b learns of the new rebalance from its pending SyncGroup.
        long start = System.nanoTime();
        SyncGroupResult bSync = coordinator.syncGroup("g", b.generationId(), b.memberId(), null, null, Map.of())
                .get(20, TimeUnit.SECONDS);
        assertThat(bSync.error()).isEqualTo(GroupError.REBALANCE_IN_PROGRESS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        JoinGroupResult bAlone = get(coordinator.joinGroup(join(b.memberId(), null, 1000, 30_000)));
        assertThat(bAlone.members()).extracting(JoinGroupResult.Member::memberId).containsExactly(b.memberId());
        assertThat(get(coordinator.heartbeat("g", leader.generationId(), leader.memberId()))).isEqualTo(GroupError.UNKNOWN_MEMBER_ID);
    }

    @Test
    void staticMemberRestartingWithinItsSessionTimeoutKeepsItsAssignmentWithoutARebalance() throws Exception {
        JoinGroupResult first = get(coordinator.joinGroup(join("", "instance-1", 10_000, 10_000)));
        assertThat(first.error()).isEqualTo(GroupError.NONE); // no MEMBER_ID_REQUIRED round trip for a static member
        assertThat(first.members()).extracting(JoinGroupResult.Member::groupInstanceId).containsExactly("instance-1");
        get(coordinator.syncGroup("g", first.generationId(), first.memberId(), "consumer", "range",
                Map.of(first.memberId(), new byte[]{1})));

        // the process restarts: a new member id, the same group.instance.id, no LeaveGroup sent
        JoinGroupResult restarted = get(coordinator.joinGroup(join("", "instance-1", 10_000, 10_000)));
        assertThat(restarted.error()).isEqualTo(GroupError.NONE);
        assertThat(restarted.memberId()).isNotEqualTo(first.memberId());
        assertThat(restarted.generationId()).isEqualTo(first.generationId());
        assertThat(coordinator.groupSnapshot("g").orElseThrow().state()).isEqualTo(GroupState.STABLE);
        assertThat(get(coordinator.syncGroup("g", restarted.generationId(), restarted.memberId(), "consumer", "range",
                Map.of())).assignment()).containsExactly(1);
        // the old incarnation is fenced, as Kafka does, so it cannot take the place back
        assertThat(get(coordinator.heartbeat("g", first.generationId(), first.memberId()))).isEqualTo(GroupError.FENCED_INSTANCE_ID);
        assertThat(get(coordinator.heartbeat("g", restarted.generationId(), restarted.memberId()))).isEqualTo(GroupError.NONE);

        // LeaveGroup by group.instance.id alone (kafka-consumer-groups, Admin.removeMembersFromConsumerGroup)
        assertThat(get(coordinator.leaveGroup("g", "", "instance-2"))).isEqualTo(GroupError.UNKNOWN_MEMBER_ID);
        assertThat(get(coordinator.leaveGroup("g", "", "instance-1"))).isEqualTo(GroupError.NONE);
        assertThat(coordinator.groupSnapshot("g").orElseThrow().state()).isEqualTo(GroupState.EMPTY);
    }
}
