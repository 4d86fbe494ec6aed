package io.busbar.kafka;

import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real kafka-clients 3.9.1 producers and consumers against the listener, and data crossing to and from the bus. */
class KafkaClientsProduceFetchTest {

    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(dir);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(broker.adminProps())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(KafkaConsumer<String, String> consumer, int expected) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            return got.size() >= expected;
        });
        return got;
    }

    @Test
    void defaultIdempotentProducerWritesAndAnAssignedConsumerReadsEveryRecordInOrder() throws Exception {
        createTopic("orders", 3);
        Map<Integer, List<String>> sentPerPartition = new HashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                acks.add(producer.send(new ProducerRecord<>("orders", "key-" + (i % 17), "value-" + i)));
            }
            for (int i = 0; i < acks.size(); i++) {
                RecordMetadata md = acks.get(i).get(30, TimeUnit.SECONDS);
                sentPerPartition.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add("value-" + i);
                // Kafka's murmur2 partitioner: the bus agrees on the partition for the same key
                int expected = Utils.toPositive(Utils.murmur2(("key-" + (i % 17)).getBytes(StandardCharsets.UTF_8))) % 3;
                assertThat(md.partition()).isEqualTo(expected);
            }
        }
        List<org.apache.kafka.common.TopicPartition> parts = List.of(new org.apache.kafka.common.TopicPartition("orders", 0),
                new org.apache.kafka.common.TopicPartition("orders", 1), new org.apache.kafka.common.TopicPartition("orders", 2));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.consumerProps(null))) {
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            List<ConsumerRecord<String, String>> got = consumeAll(consumer, 300);
            assertThat(got).hasSize(300);
            Map<Integer, List<String>> gotPerPartition = new HashMap<>();
            for (ConsumerRecord<String, String> r : got) {
                gotPerPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
            }
            assertThat(gotPerPartition).isEqualTo(sentPerPartition);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "zstd", "snappy", "gzip"})
    void acksAllCompressedBatchesAreStoredAndReadBack(String compression) throws Exception {
        createTopic("compressed", 1);
        Properties props = broker.producerProps();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>("compressed", null, "k" + i, "v" + i,
                        List.of(new RecordHeader("h", ("x" + i).getBytes(StandardCharsets.UTF_8))));
                acks.add(producer.send(record));
            }
            long last = -1;
            for (Future<RecordMetadata> f : acks) {
                long offset = f.get(30, TimeUnit.SECONDS).offset();
                assertThat(offset).isGreaterThan(last);
                last = offset;
            }
            assertThat(last).isEqualTo(199);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.consumerProps(null))) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("compressed", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> got = consumeAll(consumer, 200);
            for (int i = 0; i < 200; i++) {
                assertThat(got.get(i).offset()).isEqualTo(i);
                assertThat(got.get(i).value()).isEqualTo("v" + i);
                assertThat(new String(got.get(i).headers().lastHeader("h").value(), StandardCharsets.UTF_8)).isEqualTo("x" + i);
            }
        }
    }

    @Test
    void acksZeroProducerRecordsArrive() throws Exception {
        createTopic("fire-and-forget", 1);
        Properties props = broker.producerProps();
        props.put(ProducerConfig.ACKS_CONFIG, "0");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("fire-and-forget", "v" + i));
            }
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                broker.bus().partitionLog(new TopicPartition("fire-and-forget", 0)).highWatermark() == 50);
    }

    @Test
    void aLongPollingConsumerGetsRecordsProducedWhileItWaits() throws Exception {
        createTopic("later", 1);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.consumerProps(null));
             KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("later", 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            assertThat(consumer.position(tp)).isZero();
            assertThat(consumer.poll(Duration.ofMillis(300))).isEmpty();
            producer.send(new ProducerRecord<>("later", "k", "arrived")).get(30, TimeUnit.SECONDS);
            List<ConsumerRecord<String, String>> got = consumeAll(consumer, 1);
            assertThat(got).extracting(ConsumerRecord::value).containsExactly("arrived");
        }
    }

    @Test
    void recordsProducedByKafkaClientsAreReadByAnInProcessConsumerAndTheOtherWayRound() throws Exception {
        createTopic("bridge", 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            producer.send(new ProducerRecord<>("bridge", null, "from-kafka", "hello bus",
                    List.of(new RecordHeader("origin", "kafka".getBytes(StandardCharsets.UTF_8))))).get(30, TimeUnit.SECONDS);
        }
        broker.bus().producer().send("bridge", BusRecord.of("from-bus", "hello kafka")).get(30, TimeUnit.SECONDS);

        try (BusConsumer consumer = broker.bus().consumer(io.busbar.bus.ConsumerConfig.builder().build())) {
            TopicPartition tp = new TopicPartition("bridge", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumedRecord> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                got.addAll(consumer.poll(Duration.ofMillis(200)));
                return got.size() >= 2;
            });
            assertThat(got.get(0).keyAsString()).isEqualTo("from-kafka");
            assertThat(got.get(0).valueAsString()).isEqualTo("hello bus");
            assertThat(got.get(0).headers().get(0).valueAsString()).isEqualTo("kafka");
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.consumerProps(null))) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("bridge", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<String, String>> got = consumeAll(consumer, 2);
            assertThat(got.get(1).key()).isEqualTo("from-bus");
            assertThat(got.get(1).value()).isEqualTo("hello kafka");
            assertThat(got.get(1).offset()).isEqualTo(1);
        }
    }

    @Test
    void metadataAutoCreatesATopicOnFirstProduce() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            RecordMetadata md = producer.send(new ProducerRecord<>("auto-created", "v")).get(30, TimeUnit.SECONDS);
            assertThat(md.offset()).isZero();
        }
        assertThat(broker.bus().topic("auto-created")).isPresent();
        assertThat(broker.bus().admin().listTopics(false)).contains("auto-created");
        assertThat(Set.copyOf(broker.bus().admin().listTopics(false))).contains("auto-created");
    }
}
