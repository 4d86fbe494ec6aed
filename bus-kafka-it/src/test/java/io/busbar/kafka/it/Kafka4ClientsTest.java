package io.busbar.kafka.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Unmodified kafka-clients 4.x (producer, group consumer, admin) against a Busbar broker in a child JVM. */
class Kafka4ClientsTest {

    @TempDir
    static Path dir;
    private static ChildBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = ChildBroker.start(dir.resolve("bus"));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    private static Properties common() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return p;
    }

    @Test
    void theClientsOnTheClassPathAreVersion4() {
        assertThat(AppInfoParser.getVersion()).startsWith("4.");
    }

    @Test
    void defaultProducerAndGroupConsumerRoundTripWithLz4() throws Exception {
        try (Admin admin = Admin.create(common())) {
            admin.createTopics(List.of(new NewTopic("k4", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties pp = common();
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) { // idempotent, acks=all by default
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                acks.add(producer.send(new ProducerRecord<>("k4", "key" + i, "v" + i)));
            }
            for (Future<RecordMetadata> f : acks) {
                assertThat(f.get(30, TimeUnit.SECONDS).offset()).isGreaterThanOrEqualTo(0);
            }
        }
        Properties cp = common();
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "k4-group");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
            consumer.subscribe(List.of("k4"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= 100;
            });
            consumer.commitSync();
        }
        assertThat(values).hasSize(100).doesNotHaveDuplicates();

        try (Admin admin = Admin.create(common())) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("k4-group")).all()
                    .get(30, TimeUnit.SECONDS).get("k4-group");
            assertThat(group.groupId()).isEqualTo("k4-group");
            long committed = admin.listConsumerGroupOffsets("k4-group").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
            assertThat(committed).isEqualTo(100);
            TopicPartition p0 = new TopicPartition("k4", 0);
            TopicPartition p1 = new TopicPartition("k4", 1);
            long latest = admin.listOffsets(Map.of(p0, OffsetSpec.latest(), p1, OffsetSpec.latest())).all()
                    .get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
            assertThat(latest).isEqualTo(100);
        }
    }

    @Test
    void adminCreatesDescribesAndDeletesTopics() throws Exception {
        try (Admin admin = Admin.create(common())) {
            admin.createTopics(List.of(new NewTopic("admin4", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            TopicDescription d = admin.describeTopics(List.of("admin4")).allTopicNames().get(30, TimeUnit.SECONDS).get("admin4");
            assertThat(d.partitions()).hasSize(3);
            assertThat(d.topicId()).isNotNull();
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            admin.deleteTopics(List.of("admin4")).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("admin4");
        }
    }
}
