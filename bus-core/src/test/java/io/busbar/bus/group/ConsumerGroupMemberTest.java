package io.busbar.bus.group;

import io.busbar.bus.CommitFailedException;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** In-process members driven by polling threads, against a coordinator with no bus around it. */
class ConsumerGroupMemberTest {
    @TempDir
    Path dir;
    private TestGroupContext context;
    private GroupCoordinator coordinator;
    private final List<PollingMember> members = new ArrayList<>();

    @BeforeEach
    void start() {
        context = new TestGroupContext(TestGroupContext.openOffsetsLog(dir)).topic("orders", 6);
        coordinator = new GroupCoordinator(context, new GroupCoordinatorConfig(60_000, 1000, 0, 100, 60_000));
        coordinator.start();
    }

    @AfterEach
    void stop() {
        members.forEach(PollingMember::close);
        coordinator.close();
        context.offsetsLog().close();
    }

    /** One consumer: a thread that polls the membership, and the partitions the membership gave it. */
    private final class PollingMember implements GroupMembership.AssignmentTarget, RebalanceListener {
        final GroupMembership membership;
        final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        final List<String> events = new CopyOnWriteArrayList<>();
        final Thread thread;
        volatile boolean running = true;

        PollingMember(String clientId, List<String> strategies) {
            membership = coordinator.newMembership(ConsumerConfig.builder().groupId("g").clientId(clientId)
                    .assignmentStrategies(strategies).sessionTimeoutMs(1000).heartbeatIntervalMs(100).build());
            membership.subscribe(List.of("orders"), null, this, this);
            thread = new Thread(() -> {
                while (running) {
                    membership.poll(Duration.ofMillis(50));
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, clientId);
            thread.start();
            members.add(this);
        }

        @Override
        public void partitionsAdded(Collection<TopicPartition> partitions) {
            owned.addAll(partitions);
        }

        @Override
        public void partitionsRemoved(Collection<TopicPartition> partitions) {
            owned.removeAll(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            events.add("revoked " + partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            events.add("assigned " + partitions.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            events.add("lost " + partitions.size());
        }

        /** Stops polling and heartbeating without leaving: a crashed process. */
        void crash() throws InterruptedException {
            ((ConsumerGroupMember) membership).stopHeartbeats();
            stopPolling();
        }

        void stopPolling() throws InterruptedException {
            running = false;
            thread.join();
        }

        void close() {
            try {
                stopPolling();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            membership.close();
        }
    }

    private void awaitBalanced(List<PollingMember> live, int partitions) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Set<TopicPartition> all = new HashSet<>();
            int total = 0;
            for (PollingMember m : live) {
                all.addAll(m.owned);
                total += m.owned.size();
                if (m.owned.isEmpty()) {
                    return false;
                }
            }
            return all.size() == partitions && total == partitions
                    && coordinator.groupSnapshot("g").orElseThrow().state() == GroupState.STABLE;
        });
    }

    @Test
    void membersShareEveryPartitionExactlyOnce() {
        List<PollingMember> live = List.of(new PollingMember("a", List.of("range")), new PollingMember("b", List.of("range")),
                new PollingMember("c", List.of("range")));
        awaitBalanced(live, 6);
        assertThat(live).allSatisfy(m -> assertThat(m.owned).hasSize(2));
    }

    @Test
    void crashedMembersPartitionsAreReassignedAfterTheSessionTimeout() throws Exception {
        PollingMember a = new PollingMember("a", List.of("roundrobin"));
        PollingMember b = new PollingMember("b", List.of("roundrobin"));
        awaitBalanced(List.of(a, b), 6);
        b.crash();
        awaitBalanced(List.of(a), 6);
        assertThat(coordinator.describeGroup("g").members()).extracting(m -> m.clientId()).containsExactly("a");
    }

    @Test
    void cooperativeStickyMovesOnlyWhatItMustWhenAMemberJoins() {
        PollingMember a = new PollingMember("a", List.of("cooperative-sticky"));
        PollingMember b = new PollingMember("b", List.of("cooperative-sticky"));
        awaitBalanced(List.of(a, b), 6);
        Set<TopicPartition> aBefore = Set.copyOf(a.owned);
        Set<TopicPartition> bBefore = Set.copyOf(b.owned);
        a.events.clear();
        PollingMember c = new PollingMember("c", List.of("cooperative-sticky"));
        awaitBalanced(List.of(a, b, c), 6);
        // Each old member gives up exactly one partition to the newcomer and keeps the rest.
        assertThat(aBefore).containsAll(a.owned);
        assertThat(bBefore).containsAll(b.owned);
        assertThat(a.owned).hasSize(2);
        assertThat(b.owned).hasSize(2);
        assertThat(a.events).contains("revoked 1").doesNotContain("revoked 3");
    }

    @Test
    void eagerMembersRevokeEverythingBeforeARebalance() {
        PollingMember a = new PollingMember("a", List.of("range"));
        awaitBalanced(List.of(a), 6);
        PollingMember b = new PollingMember("b", List.of("range"));
        awaitBalanced(List.of(a, b), 6);
        assertThat(a.events).containsSubsequence("assigned 6", "revoked 6", "assigned 3");
    }

    @Test
    void memberThatStopsPollingLeavesAfterMaxPollInterval() throws Exception {
        GroupMembership slow = coordinator.newMembership(ConsumerConfig.builder().groupId("g").clientId("slow")
                .assignmentStrategies(List.of("range")).sessionTimeoutMs(1000).heartbeatIntervalMs(100).maxPollIntervalMs(3000).build());
        Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        List<String> lost = new CopyOnWriteArrayList<>();
        GroupMembership.AssignmentTarget target = new GroupMembership.AssignmentTarget() {
            @Override
            public void partitionsAdded(Collection<TopicPartition> p) {
                owned.addAll(p);
            }

            @Override
            public void partitionsRemoved(Collection<TopicPartition> p) {
                owned.removeAll(p);
            }
        };
        slow.subscribe(List.of("orders"), null, new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> p) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> p) {
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> p) {
                lost.add("lost " + p.size());
            }
        }, target);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            slow.poll(Duration.ofMillis(50));
            return owned.size() == 6;
        });
        Map<TopicPartition, CommittedOffset> commit = Map.of(new TopicPartition("orders", 0), new CommittedOffset(1));
        slow.commitSync(commit);
        // Heartbeats keep it in the group past the 1 s session timeout, until max.poll.interval.ms passes without a poll.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofMillis(2500))
                .until(() -> coordinator.groupSnapshot("g").orElseThrow().members().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.groupSnapshot("g").orElseThrow().members().isEmpty());
        assertThatThrownBy(() -> slow.commitSync(commit)).isInstanceOf(CommitFailedException.class)
                .hasMessageContaining("no longer a member");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            slow.poll(Duration.ofMillis(50));
            return owned.size() == 6 && lost.contains("lost 6");
        });
        slow.commitSync(commit);
        slow.close();
    }

    /** A member speaking the wire protocol, as a Kafka client does through the Kafka listener. */
    private JoinGroupResult wireJoin(String memberId) throws Exception {
        byte[] subscription = ConsumerProtocolCodec.encodeSubscription(
                new org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription(List.of("orders")));
        return coordinator.joinGroup(new JoinGroupRequest("g", memberId, "kafka-client", "/127.0.0.1", 10_000, 10_000,
                "consumer", List.of(new JoinGroupRequest.Protocol("range", subscription)), false)).get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aKafkaProtocolLeaderAssignsToInProcessMembersWithKafkasOwnAssignor() throws Exception {
        JoinGroupResult alone = wireJoin("");
        coordinator.syncGroup("g", alone.generationId(), alone.memberId(), "consumer", "range", Map.of()).get();
        PollingMember inProcess = new PollingMember("in-process", List.of("range"));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                coordinator.heartbeat("g", alone.generationId(), alone.memberId()).get() == GroupError.REBALANCE_IN_PROGRESS);
        JoinGroupResult led = wireJoin(alone.memberId());
        assertThat(led.isLeader()).isTrue();
        assertThat(led.members()).hasSize(2);

        // The wire leader decodes every subscription (the in-process one included) and runs kafka-clients' RangeAssignor.
        Map<String, org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription> subscriptions = new java.util.HashMap<>();
        led.members().forEach(m -> subscriptions.put(m.memberId(), ConsumerProtocolCodec.decodeSubscription(m.metadata())));
        List<org.apache.kafka.common.PartitionInfo> partitions = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            partitions.add(new org.apache.kafka.common.PartitionInfo("orders", p, null, null, null));
        }
        var assignment = new org.apache.kafka.clients.consumer.RangeAssignor().assign(
                new org.apache.kafka.common.Cluster("c", List.of(), partitions, Set.of(), Set.of()),
                new org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription(subscriptions)).groupAssignment();
        Map<String, byte[]> encoded = new java.util.HashMap<>();
        assignment.forEach((id, a) -> encoded.put(id, ConsumerProtocolCodec.encodeAssignment(a)));
        SyncGroupResult mine = coordinator.syncGroup("g", led.generationId(), led.memberId(), "consumer", "range", encoded).get();

        Set<TopicPartition> wireOwned = new HashSet<>(ConsumerProtocolCodec.assignedPartitionsOrEmpty(mine.assignment()));
        assertThat(wireOwned).hasSize(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> inProcess.owned.size() == 3);
        assertThat(inProcess.owned).doesNotContainAnyElementsOf(wireOwned);
    }

    @Test
    void anInProcessLeaderAssignsToAKafkaProtocolMember() throws Exception {
        PollingMember inProcess = new PollingMember("in-process", List.of("range"));
        awaitBalanced(List.of(inProcess), 6);
        java.util.concurrent.CompletableFuture<JoinGroupResult> join = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return wireJoin("");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JoinGroupResult joined = join.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(joined.isLeader()).isFalse();
        SyncGroupResult sync = coordinator.syncGroup("g", joined.generationId(), joined.memberId(), "consumer", "range", Map.of())
                .get(20, java.util.concurrent.TimeUnit.SECONDS);
        var assignment = ConsumerProtocolCodec.decodeAssignment(sync.assignment());
        assertThat(assignment.partitions()).hasSize(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> inProcess.owned.size() == 3);
        assertThat(inProcess.owned).extracting(TopicPartition::partition)
                .doesNotContainAnyElementsOf(assignment.partitions().stream().map(org.apache.kafka.common.TopicPartition::partition).toList());
    }

    @Test
    void aFailingListenerIsThrownFromPollAfterTheAssignmentIsApplied() {
        GroupMembership member = coordinator.newMembership(ConsumerConfig.builder().groupId("g").clientId("x")
                .assignmentStrategies(List.of("range")).sessionTimeoutMs(1000).heartbeatIntervalMs(100).build());
        Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        member.subscribe(List.of("orders"), null, new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> p) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> p) {
                throw new IllegalStateException("listener broke");
            }
        }, new GroupMembership.AssignmentTarget() {
            @Override
            public void partitionsAdded(Collection<TopicPartition> p) {
                owned.addAll(p);
            }

            @Override
            public void partitionsRemoved(Collection<TopicPartition> p) {
                owned.removeAll(p);
            }
        });
        try {
            List<Throwable> thrown = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    member.poll(Duration.ofMillis(100));
                } catch (IllegalStateException e) {
                    thrown.add(e);
                }
                return !thrown.isEmpty();
            });
            assertThat(thrown.get(0)).hasMessage("listener broke");
            assertThat(owned).hasSize(6);
            assertThat(member.assignment()).hasSize(6);
            member.poll(Duration.ofMillis(10)); // thrown once; the member stays in its generation
            assertThat(coordinator.groupSnapshot("g").orElseThrow().state()).isEqualTo(GroupState.STABLE);
        } finally {
            member.close();
        }
    }
}
