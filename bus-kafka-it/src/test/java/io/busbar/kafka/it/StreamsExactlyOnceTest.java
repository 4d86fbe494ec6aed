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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka Streams 4.1.2 with {@code processing.guarantee=exactly_once_v2}, unchanged, against a Busbar broker in a child
 * JVM: a word count (a repartition topic and a changelog) whose output a read_committed reader checks.
 */
class StreamsExactlyOnceTest {

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

    @Test
    void wordCountWithExactlyOnceV2CountsEveryWordOnce() throws Exception {
        String app = "eos-wordcount";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            // only the input and output topics: Streams creates its repartition topic and changelog itself
            admin.createTopics(List.of(new NewTopic("eos-lines", 2, (short) 1), new NewTopic("eos-counts", 2, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        Map<String, Long> expected = new HashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            String[] words = {"alpha", "beta", "gamma", "delta", "epsilon"};
            for (int i = 0; i < 200; i++) {
                String line = words[i % 5] + " " + words[(i * 3) % 5] + " " + words[(i * 7) % 5];
                for (String w : line.split(" ")) {
                    expected.merge(w, 1L, Long::sum);
                }
                producer.send(new ProducerRecord<>("eos-lines", Integer.toString(i), line));
            }
        }

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("eos-lines", Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> List.of(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .to("eos-counts", Produced.with(Serdes.String(), Serdes.Long()));
        Properties s = new Properties();
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        s.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        s.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams-state").toString());
        s.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        s.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), s)) {
            streams.start();
            Map<String, Long> latest = new HashMap<>();
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
            try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(c)) {
                List<TopicPartition> tps = List.of(new TopicPartition("eos-counts", 0), new TopicPartition("eos-counts", 1));
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
                        latest.put(r.key(), r.value());
                    }
                    return latest.equals(expected);
                });
            }
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        assertThat(expected).hasSize(5);
    }
}
