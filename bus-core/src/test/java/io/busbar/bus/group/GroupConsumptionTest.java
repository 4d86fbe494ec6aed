package io.busbar.bus.group;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.CommitFailedException;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupNotEmptyException;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Consumer groups through the public API: Bus.open, bus.consumer(...).subscribe, bus.admin(). */
class GroupConsumptionTest {
    private static final String TOPIC = "orders";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    private Bus bus;
    private final List<ProcessingConsumer> consumers = new ArrayList<>();

    @BeforeEach
    void open() {
        bus = Bus.open(BusConfig.builder(dataDir).build());
        bus.admin().createTopic(TOPIC, 4, Map.of());
    }

    @AfterEach
    void close() throws Exception {
        for (ProcessingConsumer c : consumers) {
            c.closeQuietly();
        }
        bus.close();
    }

    private ProcessingConsumer start(ConsumerConfig config, Map<String, AtomicInteger> seen) {
        ProcessingConsumer c = new ProcessingConsumer(bus, config, TOPIC,
                r -> seen.computeIfAbsent(r.valueAsString(), k -> new AtomicInteger()).incrementAndGet());
        consumers.add(c);
        return c;
    }

    private void produce(int from, int to) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = from; i < to; i++) {
            sent.add(bus.producer().send(TOPIC, BusRecord.of("key-" + i, Integer.toString(i))));
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).join();
    }

    private void awaitStable(String groupId, int members) {
        await().atMost(PATIENCE).until(() -> {
            GroupDescription d = bus.admin().describeGroup(groupId);
            return d.state().equals("Stable") && d.members().size() == members
                    && d.members().stream().mapToInt(m -> m.assignment().size()).sum() == 4;
        });
    }

    private static Set<String> values(int from, int to) {
        Set<String> out = new HashSet<>();
        for (int i = from; i < to; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    @Test
    void membersOfOneGroupTogetherSeeEveryRecordExactlyOnce() {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        for (int i = 0; i < 3; i++) {
            start(ProcessingConsumer.config("g", "c" + i).build(), seen);
        }
        awaitStable("g", 3);
        produce(0, 400);
        await().atMost(PATIENCE).until(() -> seen.size() == 400);
        assertThat(seen.keySet()).isEqualTo(values(0, 400));
        assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(consumers).allSatisfy(c -> assertThat(c.assigned).isNotEmpty());
    }

    @Test
    void twoGroupsEachSeeEveryRecord() {
        Map<String, AtomicInteger> first = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> second = new ConcurrentHashMap<>();
        start(ProcessingConsumer.config("first", "a1").build(), first);
        start(ProcessingConsumer.config("first", "a2").build(), first);
        start(ProcessingConsumer.config("second", "b1").build(), second);
        produce(0, 300);
        await().atMost(PATIENCE).until(() -> first.size() == 300 && second.size() == 300);
        assertThat(first.keySet()).isEqualTo(values(0, 300));
        assertThat(second.keySet()).isEqualTo(values(0, 300));
    }

    @Test
    void killedConsumersPartitionsAreReassignedAfterTheSessionTimeoutWithoutSkippingRecords() throws Exception {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        ProcessingConsumer a = start(ProcessingConsumer.config("g", "a").build(), seen);
        ProcessingConsumer b = start(ProcessingConsumer.config("g", "b").build(), seen);
        awaitStable("g", 2);
        produce(0, 200);
        await().atMost(PATIENCE).until(() -> seen.size() == 200);
        b.kill();
        produce(200, 400);
        // b's partitions wait for its 1.5 s session to expire, then go to a, which resumes from b's last commit.
        await().atMost(PATIENCE).until(() -> a.assigned.size() == 4 && seen.size() == 400);
        assertThat(seen.keySet()).isEqualTo(values(0, 400));
        assertThat(bus.admin().describeGroup("g").members()).extracting(GroupDescription.Member::clientId).containsExactly("a");
        assertThat(a.failure.get()).isNull();
    }

    @Test
    void committedOffsetsSurviveABusRestart() throws Exception {
        produce(0, 100);
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        ProcessingConsumer c = start(ProcessingConsumer.config("g", "c").build(), seen);
        await().atMost(PATIENCE).until(() -> seen.size() == 100);
        c.stop();
        consumers.clear();
        Map<TopicPartition, Long> before = committedOffsets("g");
        assertThat(before.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100);
        bus.close();

        bus = Bus.open(BusConfig.builder(dataDir).build());
        assertThat(committedOffsets("g")).isEqualTo(before);
        produce(100, 150);
        Map<String, AtomicInteger> after = new ConcurrentHashMap<>();
        start(ProcessingConsumer.config("g", "c2").build(), after);
        await().atMost(PATIENCE).until(() -> after.size() == 50);
        assertThat(after.keySet()).isEqualTo(values(100, 150));
    }

    private Map<TopicPartition, Long> committedOffsets(String groupId) {
        Map<TopicPartition, Long> out = new java.util.TreeMap<>();
        for (GroupDescription.PartitionOffsets p : bus.admin().describeGroup(groupId).offsets()) {
            if (p.committedOffset() >= 0) {
                out.put(p.partition(), p.committedOffset());
            }
        }
        return out;
    }

    @Test
    void resetIsRefusedWhileTheGroupHasMembersAndMovesOffsetsOnceItIsEmpty() throws Exception {
        produce(0, 40);
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        ProcessingConsumer c = start(ProcessingConsumer.config("g", "c").build(), seen);
        await().atMost(PATIENCE).until(() -> seen.size() == 40);
        Set<TopicPartition> all = Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                new TopicPartition(TOPIC, 2), new TopicPartition(TOPIC, 3));
        assertThatThrownBy(() -> bus.admin().resetGroupOffsets("g", all, OffsetSpec.earliest()))
                .isInstanceOf(GroupNotEmptyException.class)
                .hasMessageContaining("'g'").hasMessageContaining("stop its consumers");
        c.stop();
        consumers.clear();

        assertThat(bus.admin().resetGroupOffsets("g", all, OffsetSpec.earliest()).values()).containsOnly(0L);
        GroupDescription d = bus.admin().describeGroup("g");
        assertThat(d.state()).isEqualTo("Empty");
        assertThat(d.offsets()).extracting(GroupDescription.PartitionOffsets::lag).asList()
                .containsExactlyInAnyOrderElementsOf(d.offsets().stream().map(GroupDescription.PartitionOffsets::endOffset).toList());
        Map<String, AtomicInteger> again = new ConcurrentHashMap<>();
        start(ProcessingConsumer.config("g", "c2").build(), again);
        await().atMost(PATIENCE).until(() -> again.size() == 40);

        consumers.get(0).stop();
        consumers.clear();
        bus.admin().deleteGroup("g");
        assertThat(bus.admin().listGroups()).noneMatch(l -> l.groupId().equals("g"));
    }

    @Test
    void consumerThatStoppedPollingCannotCommitOnceItsGroupMovedOn() {
        produce(0, 10);
        BusConsumer slow = bus.consumer(ConsumerConfig.builder().groupId("g").clientId("slow").sessionTimeoutMs(1500)
                .heartbeatIntervalMs(200).maxPollIntervalMs(2000).build());
        try {
            slow.subscribe(List.of(TOPIC), RebalanceListener.NONE);
            List<ConsumedRecord> got = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                got.addAll(slow.poll(Duration.ofMillis(100)));
                return got.size() == 10;
            });
            // Meanwhile another member joins; the slow one does not poll for longer than max.poll.interval.ms.
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            start(ProcessingConsumer.config("g", "fast").build(), seen);
            await().atMost(PATIENCE).until(() -> bus.admin().describeGroup("g").members().stream()
                    .noneMatch(m -> m.clientId().equals("slow")) && bus.admin().describeGroup("g").state().equals("Stable"));
            ConsumedRecord last = got.get(got.size() - 1);
            assertThatThrownBy(() -> slow.commitSync(Map.of(last.topicPartition(), new CommittedOffset(last.offset() + 1))))
                    .isInstanceOf(CommitFailedException.class).hasMessageContaining("no longer a member");
        } finally {
            slow.close();
        }
    }

    @Test
    void eachAssignorSharesThePartitionsAndCooperativeStickyKeepsMostOfThem() {
        for (String assignor : List.of("range", "roundrobin", "cooperative-sticky")) {
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            String group = "g-" + assignor;
            ProcessingConsumer a = start(ProcessingConsumer.config(group, assignor + "-a").assignmentStrategies(List.of(assignor)).build(), seen);
            awaitStable(group, 1);
            ProcessingConsumer b = start(ProcessingConsumer.config(group, assignor + "-b").assignmentStrategies(List.of(assignor)).build(), seen);
            awaitStable(group, 2);
            assertThat(bus.admin().describeGroup(group).protocol()).isEqualTo(assignor);
            await().atMost(PATIENCE).until(() -> a.assigned.size() == 2 && b.assigned.size() == 2);
            if (assignor.equals("cooperative-sticky")) {
                Set<TopicPartition> aBefore = Set.copyOf(a.assigned);
                Set<TopicPartition> bBefore = Set.copyOf(b.assigned);
                a.revokedPartitions.set(0);
                b.revokedPartitions.set(0);
                ProcessingConsumer c = start(ProcessingConsumer.config(group, assignor + "-c").assignmentStrategies(List.of(assignor)).build(), seen);
                awaitStable(group, 3);
                await().atMost(PATIENCE).until(() -> a.assigned.size() + b.assigned.size() + c.assigned.size() == 4);
                // Of the 4 partitions only one moves (to the newcomer): a keeps what it had, minus at most one.
                assertThat(aBefore).containsAll(a.assigned);
                assertThat(bBefore).containsAll(b.assigned);
                assertThat(a.revokedPartitions.get() + b.revokedPartitions.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void autoCommitCommitsPolledPositionsBeforePartitionsAreGivenUp() {
        produce(0, 100);
        BusConsumer auto = bus.consumer(ConsumerConfig.builder().groupId("g").clientId("auto").enableAutoCommit(true)
                .autoCommitIntervalMs(600_000).sessionTimeoutMs(1500).heartbeatIntervalMs(200).build());
        try {
            auto.subscribe(List.of(TOPIC), RebalanceListener.NONE);
            List<ConsumedRecord> got = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                got.addAll(auto.poll(Duration.ofMillis(100)));
                return got.size() == 100;
            });
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            start(ProcessingConsumer.config("g", "newcomer").build(), seen);
            // The rebalance runs inside auto's polls: before giving its partitions up it commits what it polled.
            await().atMost(PATIENCE).until(() -> {
                auto.poll(Duration.ofMillis(50));
                GroupDescription d = bus.admin().describeGroup("g");
                return d.state().equals("Stable") && d.members().size() == 2;
            });
            assertThat(committedOffsets("g").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100);
            produce(100, 140);
            await().atMost(PATIENCE).until(() -> {
                got.addAll(auto.poll(Duration.ofMillis(50)));
                return got.size() + seen.size() >= 140;
            });
            assertThat(seen.keySet()).doesNotContainAnyElementsOf(values(0, 100));
        } finally {
            auto.close();
        }
    }

    @Test
    void patternSubscriptionPicksUpTopicsCreatedLater() {
        bus.admin().createTopic("p-1", 2, Map.of());
        BusConsumer consumer = bus.consumer(ProcessingConsumer.config("g", "pattern").build());
        try {
            consumer.subscribe(java.util.regex.Pattern.compile("p-.*"), RebalanceListener.NONE);
            bus.producer().send("p-1", BusRecord.of("a", "one")).join();
            Set<String> got = new HashSet<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> got.add(r.topic() + ":" + r.valueAsString()));
                return got.contains("p-1:one");
            });
            bus.admin().createTopic("p-2", 3, Map.of());
            bus.producer().send("p-2", BusRecord.of("b", "two")).join();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> got.add(r.topic() + ":" + r.valueAsString()));
                return got.contains("p-2:two");
            });
            assertThat(consumer.assignment()).hasSize(5);
            assertThat(got).doesNotContain(TOPIC);
        } finally {
            consumer.close();
        }
    }
}
