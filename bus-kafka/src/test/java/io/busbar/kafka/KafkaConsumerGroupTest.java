package io.busbar.kafka;

import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.RebalanceListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kafka consumers in groups on the bus's coordinator: rebalance, commit, restart and resume, mixed membership. */
class KafkaConsumerGroupTest {

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

    private void produce(int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("events", "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private KafkaConsumer<String, String> member(String group) {
        var props = broker.consumerProps(group);
        props.put("heartbeat.interval.ms", "500");
        props.put("session.timeout.ms", "10000");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(props);
        c.subscribe(List.of("events"));
        return c;
    }

    @Test
    void membersSplitThePartitionsRebalanceWhenOneLeavesAndResumeFromCommittedOffsets() throws Exception {
        produce(0, 100);
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> a = member("g1"); KafkaConsumer<String, String> b = member("g1")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                a.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                b.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                return a.assignment().size() == 2 && b.assignment().size() == 2 && seen.size() == 100;
            });
            assertThat(new HashSet<>(a.assignment())).doesNotContainAnyElementsOf(b.assignment());
            a.commitSync();
            b.commitSync();

            try (Admin admin = Admin.create(broker.adminProps())) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("g1")).all().get(30, TimeUnit.SECONDS).get("g1");
                assertThat(d.members()).hasSize(2);
                assertThat(d.state().toString()).isEqualTo("Stable");
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets("g1").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(100);
            }

            b.close(); // leaves the group: a takes over every partition
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                a.poll(Duration.ofMillis(100));
                return a.assignment().size() == 4;
            });
        }

        produce(100, 150);
        List<String> afterRestart = new ArrayList<>();
        try (KafkaConsumer<String, String> c = member("g1")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(100)).forEach(r -> afterRestart.add(r.value()));
                return afterRestart.size() >= 50;
            });
            // resumed from the committed offsets: only the 50 new records, none of the first 100
            assertThat(afterRestart).hasSize(50).allSatisfy(v -> assertThat(Integer.parseInt(v.substring(1))).isGreaterThanOrEqualTo(100));
        }
    }

    @Test
    void aKafkaConsumerAndAnInProcessConsumerShareOneGroup() throws Exception {
        produce(0, 40);
        List<String> fromKafka = new ArrayList<>();
        List<String> fromBus = new ArrayList<>();
        try (KafkaConsumer<String, String> kafka = member("mixed");
             BusConsumer bus = broker.bus().consumer(io.busbar.bus.ConsumerConfig.builder().groupId("mixed")
                     .heartbeatIntervalMs(500).sessionTimeoutMs(10_000).build())) {
            bus.subscribe(List.of("events"), RebalanceListener.NONE);
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<String, String> r : kafka.poll(Duration.ofMillis(100))) {
                    fromKafka.add(r.value());
                }
                for (ConsumedRecord r : bus.poll(Duration.ofMillis(100))) {
                    fromBus.add(r.valueAsString());
                }
                return kafka.assignment().size() == 2 && bus.assignment().size() == 2
                        && fromKafka.size() + fromBus.size() >= 40;
            });
            Set<String> kafkaTopics = new HashSet<>();
            kafka.assignment().forEach(tp -> kafkaTopics.add(tp.toString()));
            Set<String> busTopics = new HashSet<>();
            bus.assignment().forEach(tp -> busTopics.add(tp.toString()));
            assertThat(kafkaTopics).doesNotContainAnyElementsOf(busTopics);
            Set<String> all = new HashSet<>(fromKafka);
            all.addAll(fromBus);
            assertThat(all).hasSize(40);
        }
    }
}
