package io.busbar.kafka.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 chaos for exactly-once: a transactional consume-transform-produce app ({@link TransactionalCopyApp}, its
 * own JVM, kafka-clients 4.x) copies {@code in} to {@code out} while the test SIGKILLs the app and the Busbar broker
 * (a child JVM, restarted on the same port) at random moments. A read_committed reader of {@code out} must then see
 * every input exactly once: nothing lost, nothing duplicated. {@code -Dbusbar.txn.chaos.records} /
 * {@code .kills}; the soak version runs longer.
 */
class TransactionsChaosTest {

    @TempDir
    Path dir;

    @Test
    void consumeTransformProduceSurvivesKillsOfTheAppAndOfBusbarExactlyOnce() throws Exception {
        run(Integer.getInteger("busbar.txn.chaos.records", 3000), Integer.getInteger("busbar.txn.chaos.kills", 6));
    }

    @Test
    @Tag("soak")
    void soakManyKills() throws Exception {
        run(30_000, 60);
    }

    private void run(int records, int kills) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("bus");
        ChildBroker broker = ChildBroker.start(data, port);
        String bootstrap = broker.bootstrap();
        Process app = null;
        try {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("in", 3, (short) 1), new NewTopic("out", 3, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            Random random = new Random(Long.getLong("busbar.txn.chaos.seed", System.nanoTime()));
            app = startApp(bootstrap);
            int chunk = records / (kills + 1);
            int written = 0;
            for (int k = 0; k < kills; k++) {
                // fresh input before every kill, so the app is mid-transaction when it or Busbar dies
                written = produceInput(bootstrap, written, written + chunk);
                Thread.sleep(300 + random.nextInt(1200));
                long committed = committedInput(bootstrap);
                switch (k % 3) {
                    case 0 -> {
                        System.out.println("[chaos] kill -9 the app (" + committed + " inputs committed)");
                        app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    }
                    case 1 -> {
                        System.out.println("[chaos] kill -9 Busbar (" + committed + " inputs committed)");
                        broker.kill();
                        broker = ChildBroker.start(data, port);
                    }
                    default -> {
                        System.out.println("[chaos] kill -9 both (" + committed + " inputs committed)");
                        app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                        broker.kill();
                        broker = ChildBroker.start(data, port);
                    }
                }
                if (!app.isAlive()) {
                    app = startApp(bootstrap);
                }
            }
            produceInput(bootstrap, written, records);
            // let it finish: restart the app whenever it gave up (e.g. its commit timed out while Busbar was down)
            long deadline = System.currentTimeMillis() + 120_000;
            while (committedInput(bootstrap) < records && System.currentTimeMillis() < deadline) {
                if (!app.isAlive()) {
                    app = startApp(bootstrap);
                }
                Thread.sleep(500);
            }
            assertThat(committedInput(bootstrap)).as("input offsets committed through transactions").isEqualTo(records);

            List<String> out = readCommitted(bootstrap, records);
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < records; i++) {
                expected.add("out-" + i);
            }
            assertThat(new HashSet<>(out)).as("nothing lost").isEqualTo(expected);
            assertThat(out).as("nothing duplicated").hasSize(records);
        } finally {
            if (app != null) {
                app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            broker.close();
        }
    }

    /** Writes inputs [from, to) and waits for them to be acknowledged; returns {@code to}. */
    private static int produceInput(String bootstrap, int from, int to) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("in", Integer.toString(i % 97), Integer.toString(i)));
            }
            producer.flush();
        }
        return to;
    }

    private static Process startApp(String bootstrap) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                TransactionalCopyApp.class.getName(), bootstrap)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/transactions-chaos-app.log"))).start();
        System.out.println("[chaos] app started");
        return p;
    }

    private static long committedInput(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000"))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("chaos-copy")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            return -1; // Busbar restarting: ask again
        }
    }

    private static List<String> readCommitted(String bootstrap, int expected) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> tps = List.of(new TopicPartition("out", 0), new TopicPartition("out", 1),
                    new TopicPartition("out", 2));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps); // read_committed: the last stable offsets
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() - quietSince < 3000) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                    quietSince = System.currentTimeMillis();
                }
                boolean atEnd = tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
                if (atEnd && values.size() >= expected) {
                    break;
                }
            }
        }
        return values;
    }
}
