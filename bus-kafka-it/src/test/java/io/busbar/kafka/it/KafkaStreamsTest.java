package io.busbar.kafka.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Joined;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka Streams 4.1.2, unchanged, at-least-once against a Busbar broker in a child JVM: it creates its repartition
 * and changelog topics with its own settings, rebalances on the classic protocol and commits through the listener.
 */
class KafkaStreamsTest {

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

    private static Properties streamsProps(String applicationId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + applicationId).toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0"); // every update downstream, so counts are exact
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    private static void createTopics(String... names) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(Arrays.stream(names).map(n -> new NewTopic(n, 2, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(String topic, List<String[]> keyValues) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (String[] kv : keyValues) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1])).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The latest value per key on {@code topic}, read until {@code done} holds or 90 s pass. */
    private static <V> Map<String, V> latest(String topic, Class<?> valueDeserializer,
                                             java.util.function.Predicate<Map<String, V>> done) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName());
        Map<String, V> latest = new HashMap<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p)) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!done.test(latest) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(r.key(), r.value());
                }
            }
        }
        return latest;
    }

    @Test
    void wordCountThroughARepartitionTopicAndAChangelog() throws Exception {
        createTopics("wc-lines", "wc-counts");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("wc-lines", Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase().split("\\W+")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.as("word-counts"))
                .toStream().to("wc-counts", Produced.with(Serdes.String(), Serdes.Long()));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsProps("wordcount"))) {
            streams.start();
            produce("wc-lines", List.of(new String[]{"1", "the quick brown fox"}, new String[]{"2", "the lazy dog"},
                    new String[]{"3", "The fox"}));
            Map<String, Long> counts = latest("wc-counts", LongDeserializer.class,
                    m -> Long.valueOf(3).equals(m.get("the")) && Long.valueOf(2).equals(m.get("fox")) && m.size() == 6);
            assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("the", 3L, "quick", 1L, "brown", 1L,
                    "fox", 2L, "lazy", 1L, "dog", 1L));
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        Set<String> topics = topicNames();
        assertThat(topics).contains("wordcount-word-counts-changelog", "wordcount-word-counts-repartition");
    }

    @Test
    void streamTableJoinWithARekeyedStream() throws Exception {
        createTopics("join-prices", "join-orders", "join-priced");
        produce("join-prices", List.of(new String[]{"apple", "3"}, new String[]{"pear", "5"}));
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> prices = builder.table("join-prices", Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.as("prices"));
        // orders keyed by order id, value "fruit:quantity": re-keyed by fruit, so Streams repartitions them
        builder.stream("join-orders", Consumed.with(Serdes.String(), Serdes.String()))
                .selectKey((orderId, v) -> v.split(":")[0])
                .join(prices, (order, price) -> order.split(":")[1] + "x" + price,
                        Joined.with(Serdes.String(), Serdes.String(), Serdes.String()))
                .to("join-priced", Produced.with(Serdes.String(), Serdes.String()));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsProps("pricing"))) {
            streams.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> streams.state() == KafkaStreams.State.RUNNING);
            Thread.sleep(1000); // the table is loaded before stream records are processed (its topic is a source)
            produce("join-orders", List.of(new String[]{"o1", "apple:2"}, new String[]{"o2", "pear:4"}));
            Map<String, String> priced = latest("join-priced", StringDeserializer.class, m -> m.size() == 2);
            assertThat(priced).containsExactlyInAnyOrderEntriesOf(Map.of("apple", "2x3", "pear", "4x5"));
        }
        Set<String> topics = topicNames();
        assertThat(topics).contains("pricing-prices-changelog");
        assertThat(topics).anyMatch(t -> t.startsWith("pricing-") && t.endsWith("-repartition"));
    }

    private static Set<String> topicNames() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(p)) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }
}
