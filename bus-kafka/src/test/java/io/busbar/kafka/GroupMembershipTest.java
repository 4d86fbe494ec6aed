package io.busbar.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kafka consumers (kafka-clients 3.9.1) and the classic coordinator's member lifetimes: static members, session timeouts. */
class GroupMembershipTest {

    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir);
        try (Admin admin = Admin.create(broker.adminProps())) {
            admin.createTopics(List.of(new NewTopic("events", 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private KafkaConsumer<String, String> staticMember(String instanceId) {
        Properties p = broker.consumerProps("static-group");
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of("events"));
        return consumer;
    }

    @Test
    void staticMemberRestartingWithinItsSessionTimeoutGetsItsPartitionsBackWithoutARebalance() {
        KafkaConsumer<String, String> a = staticMember("instance-a");
        KafkaConsumer<String, String> b = staticMember("instance-b");
        KafkaConsumer<String, String> aAgain = null;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                a.poll(Duration.ofMillis(100));
                b.poll(Duration.ofMillis(100));
                Set<TopicPartition> all = new HashSet<>(a.assignment());
                all.addAll(b.assignment());
                return !a.assignment().isEmpty() && !b.assignment().isEmpty() && all.size() == 4
                        && a.groupMetadata().generationId() == b.groupMetadata().generationId();
            });
            Set<TopicPartition> aPartitions = Set.copyOf(a.assignment());
            Set<TopicPartition> bPartitions = Set.copyOf(b.assignment());
            int generation = b.groupMetadata().generationId();

            a.close(); // a static member sends no LeaveGroup: its place waits for it for the session timeout
            KafkaConsumer<String, String> restarted = staticMember("instance-a");
            aAgain = restarted;
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                restarted.poll(Duration.ofMillis(100));
                b.poll(Duration.ofMillis(100));
                return !restarted.assignment().isEmpty();
            });
            for (int i = 0; i < 10; i++) {
                b.poll(Duration.ofMillis(100));
            }
            assertThat(restarted.assignment()).isEqualTo(aPartitions);
            assertThat(restarted.groupMetadata().generationId()).isEqualTo(generation);
            assertThat(b.assignment()).isEqualTo(bPartitions);
            assertThat(b.groupMetadata().generationId()).isEqualTo(generation);
        } finally {
            Utils.closeQuietly(aAgain, "restarted consumer");
            b.close();
        }
    }

    @Test
    void leaderThatDiesBeforeSyncGroupIsDroppedAfterItsSessionTimeoutNotItsRebalanceTimeout() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (RawKafkaClient dying = new RawKafkaClient(broker.listener().address())) {
            // A member with a 3 s session and a 10 min rebalance timeout (Kafka Streams sets max.poll.interval high).
            JoinGroupResponse first = dying.send(joinRequest(""), (short) 3);
            assertThat(first.error()).isEqualTo(Errors.NONE);
            String memberId = first.data().memberId();
            SyncGroupResponse synced = dying.send(new SyncGroupRequest.Builder(new SyncGroupRequestData()
                    .setGroupId("dying-group").setGenerationId(first.data().generationId()).setMemberId(memberId)
                    .setAssignments(List.of())), (short) 3);
            assertThat(synced.error()).isEqualTo(Errors.NONE);

            // A Kafka consumer joins; the dying member rejoins (it is the leader), then dies without SyncGroup.
            Properties p = broker.consumerProps("dying-group");
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
            Future<Set<TopicPartition>> consumed = executor.submit(() -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
                    consumer.subscribe(List.of("events"));
                    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (consumer.assignment().size() < 4 && System.nanoTime() < deadline) {
                        consumer.poll(Duration.ofMillis(100));
                    }
                    return Set.copyOf(consumer.assignment());
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                HeartbeatResponse hb = dying.send(new HeartbeatRequest.Builder(new HeartbeatRequestData()
                        .setGroupId("dying-group").setGenerationId(first.data().generationId()).setMemberId(memberId)), (short) 3);
                return hb.error() == Errors.REBALANCE_IN_PROGRESS;
            });
            JoinGroupResponse rejoined = dying.send(joinRequest(memberId), (short) 3);
            assertThat(rejoined.data().leader()).isEqualTo(memberId);
            assertThat(rejoined.data().members()).hasSize(2);
            long diedAt = System.nanoTime();

            // Before: the group sat in CompletingRebalance for the whole rebalance timeout (10 min here).
            Set<TopicPartition> assignment = consumed.get(60, TimeUnit.SECONDS);
            assertThat(assignment).hasSize(4);
            assertThat(Duration.ofNanos(System.nanoTime() - diedAt)).isLessThan(Duration.ofSeconds(60));
        } finally {
            executor.shutdownNow();
        }
    }

    private static JoinGroupRequest.Builder joinRequest(String memberId) {
        byte[] subscription = Utils.toArray(ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of("events"))));
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription));
        return new JoinGroupRequest.Builder(new JoinGroupRequestData().setGroupId("dying-group").setMemberId(memberId)
                .setSessionTimeoutMs(3000).setRebalanceTimeoutMs(600_000).setProtocolType("consumer").setProtocols(protocols));
    }
}
