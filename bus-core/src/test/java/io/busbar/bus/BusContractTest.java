package io.busbar.bus;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link Bus} implementation must do the same way, so pipelines behave identically on the embedded bus and
 * on a Kafka cluster. Subclasses provide the bus.
 */
public abstract class BusContractTest {

    protected abstract Bus bus();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aMissingTopicIsAnErrorNamingIt() {
        String missing = unique("contract-missing");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bus().admin().describeTopic(missing))
                .isInstanceOf(UnknownTopicException.class).hasMessageContaining("'" + missing + "'");
    }

    @Test
    void aSendChainedOnAnAcknowledgementToANewTopicCompletes() throws Exception {
        // a Camel route's next step runs where the previous send completed: that must not be a thread a send needs
        String first = unique("contract-chain-a");
        String second = unique("contract-chain-b");
        RecordMetadata chained = bus().producer().send(first, BusRecord.of("k", "1"))
                .thenCompose(md -> bus().producer().send(second, BusRecord.of("k", "2")))
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(chained.topic()).isEqualTo(second);
    }

    @Test
    void sourcesFindTheCompactedPositionsTopicOnceTheBusIsOpen() {
        TopicDescription positions = bus().admin().describeTopic(Bus.POSITIONS_TOPIC);
        assertThat(positions.partitions()).hasSize(1);
        assertThat(positions.config()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void keyedRecordsLandOnKafkasPartitionAndRoundTripWithHeaders() {
        String topic = unique("contract-keys");
        bus().admin().createTopic(topic, 3, Map.of());
        Map<String, Integer> partitionOfKey = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            String key = "customer-" + i;
            BusRecord record = BusRecord.of(key, "order-" + i).withHeaders(List.of(Header.of("trace", "t" + i)));
            RecordMetadata md = bus().producer().send(topic, record).join();
            assertThat(md.partition()).isEqualTo(org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2(key.getBytes())) % 3);
            partitionOfKey.put(key, md.partition());
        }
        List<ConsumedRecord> got = consumeInGroup(topic, unique("g"), 30);
        assertThat(got).hasSize(30);
        for (ConsumedRecord r : got) {
            assertThat(r.partition()).isEqualTo(partitionOfKey.get(r.keyAsString()));
            String n = r.keyAsString().substring("customer-".length());
            assertThat(r.valueAsString()).isEqualTo("order-" + n);
            assertThat(r.headers()).containsExactly(r.headers().get(0));
            assertThat(r.headers().get(0).valueAsString()).isEqualTo("t" + n);
        }
    }

    @Test
    void groupResumesFromItsCommittedOffsets() {
        String topic = unique("contract-resume");
        String group = unique("g");
        bus().admin().createTopic(topic, 2, Map.of());
        for (int i = 0; i < 20; i++) {
            bus().producer().send(topic, BusRecord.of("k" + i, "v" + i));
        }
        bus().producer().flush();
        List<ConsumedRecord> first = consumeInGroup(topic, group, 20);
        assertThat(first).hasSize(20);
        for (int i = 20; i < 30; i++) {
            bus().producer().send(topic, BusRecord.of("k" + i, "v" + i));
        }
        bus().producer().flush();
        List<ConsumedRecord> second = consumeInGroup(topic, group, 10);
        assertThat(second).extracting(ConsumedRecord::valueAsString)
                .containsExactlyInAnyOrder("v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29");

        GroupDescription d = bus().admin().describeGroup(group);
        assertThat(d.offsets()).hasSize(2);
        assertThat(d.offsets()).allSatisfy(o -> assertThat(o.lag()).isZero());
        assertThat(d.offsets().stream().mapToLong(GroupDescription.PartitionOffsets::committedOffset).sum()).isEqualTo(30);
    }

    @Test
    void resetIsRefusedWhileTheGroupHasMembersThenApplied() {
        String topic = unique("contract-reset");
        String group = unique("g");
        bus().admin().createTopic(topic, 1, Map.of());
        for (int i = 0; i < 5; i++) {
            bus().producer().send(topic, BusRecord.of("k", "v" + i));
        }
        bus().producer().flush();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (BusConsumer member = bus().consumer(groupConfig(group))) {
            member.subscribe(List.of(topic), RebalanceListener.NONE);
            List<ConsumedRecord> got = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 60_000;
            while (got.size() < 5 && System.currentTimeMillis() < deadline) {
                got.addAll(member.poll(Duration.ofMillis(200)));
            }
            member.commitSync();
            assertThatThrownBy(() -> bus().admin().resetGroupOffsets(group, Set.of(tp), OffsetSpec.earliest()))
                    .isInstanceOf(GroupNotEmptyException.class);
        }
        Map<TopicPartition, Long> reset = bus().admin().resetGroupOffsets(group, Set.of(tp), OffsetSpec.explicit(2));
        assertThat(reset).containsEntry(tp, 2L);
        assertThat(consumeInGroup(topic, group, 3)).extracting(ConsumedRecord::valueAsString).containsExactly("v2", "v3", "v4");
    }

    @Test
    void topicAdministrationIsTheSame() {
        String topic = unique("contract-admin");
        TopicDescription created = bus().admin().createTopic(topic, 2, Map.of("retention.ms", "3600000"));
        assertThat(created.partitions()).hasSize(2);
        assertThat(created.config()).containsEntry("retention.ms", "3600000");
        assertThat(bus().admin().listTopics(false)).contains(topic);
        assertThatThrownBy(() -> bus().admin().createTopic(topic, 2, Map.of())).isInstanceOf(TopicExistsException.class);
        bus().producer().send(topic, BusRecord.of("a", "b").withPartition(1)).join();
        TopicDescription described = bus().admin().describeTopic(topic);
        assertThat(described.partitions().get(1).endOffset()).isEqualTo(1);
        assertThat(described.partitions().get(0).endOffset()).isZero();
        bus().admin().createPartitions(topic, 3);
        assertThat(bus().admin().describeTopic(topic).partitions()).hasSize(3);
    }

    protected ConsumerConfig groupConfig(String group) {
        return ConsumerConfig.builder().groupId(group).sessionTimeoutMs(10_000).heartbeatIntervalMs(1_000).build();
    }

    /** Joins the group, reads {@code expected} records (or fails after a minute), commits and leaves. */
    protected List<ConsumedRecord> consumeInGroup(String topic, String group, int expected) {
        List<ConsumedRecord> got = new ArrayList<>();
        try (BusConsumer consumer = bus().consumer(groupConfig(group))) {
            consumer.subscribe(List.of(topic), RebalanceListener.NONE);
            long deadline = System.currentTimeMillis() + 60_000;
            while (got.size() < expected && System.currentTimeMillis() < deadline) {
                got.addAll(consumer.poll(Duration.ofMillis(200)));
            }
            consumer.commitSync();
        }
        return got;
    }
}
