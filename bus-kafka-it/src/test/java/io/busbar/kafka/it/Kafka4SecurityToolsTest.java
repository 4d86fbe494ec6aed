package io.busbar.kafka.it;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kafka 4.1.2's own tools against Busbar's security APIs: ConfigCommand (kafka-configs) creates and describes a SCRAM
 * user, AclCommand (kafka-acls) adds, lists and removes ACLs; then kafka-clients 4.x logs in with that user over
 * SASL and is held to those ACLs. The tools run in a child JVM with kafka-broker-4x's class path (they call
 * System.exit); the broker is Busbar's BusbarBroker in another child JVM (kafka-clients 3.9 there).
 */
class Kafka4SecurityToolsTest {

    @TempDir
    Path dir;

    private static Path kafka4Classpath() {
        Path cp = Path.of("").toAbsolutePath().getParent().resolve("kafka-broker-4x/target/kafka-broker.classpath");
        if (!Files.exists(cp)) {
            fail(cp + " is missing: build the kafka-broker-4x module first (mvn -pl kafka-broker-4x generate-resources)");
        }
        return cp;
    }

    @Test
    void kafkaConfigsCreatesAScramUserAndKafkaAclsGovernsIt() throws Exception {
        Path config = Files.writeString(dir.resolve("broker.properties"), String.join("\n",
                "busbar.kafka.listeners=LOCAL://127.0.0.1:0,SASL://127.0.0.1:0",
                "busbar.kafka.listener.security.protocol.map=LOCAL:PLAINTEXT,SASL:SASL_PLAINTEXT",
                // loopback administration: the local PLAINTEXT listener's anonymous user is the super user
                "busbar.kafka.super.users=User:ANONYMOUS", ""));
        Map<String, String> listeners = new ConcurrentHashMap<>();
        CountDownLatch ready = new CountDownLatch(1);
        Process broker = startBroker(config, listeners, ready);
        try {
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("broker listening").isTrue();
            String local = listeners.get("LOCAL");
            String sasl = listeners.get("SASL");

            String created = tool("kafka.admin.ConfigCommand", "--bootstrap-server", local, "--alter", "--add-config",
                    "SCRAM-SHA-256=[iterations=8192,password=alice-secret]", "--entity-type", "users", "--entity-name", "alice");
            assertThat(created).contains("Completed updating config for user alice");
            assertThat(tool("kafka.admin.ConfigCommand", "--bootstrap-server", local, "--describe", "--entity-type", "users",
                    "--entity-name", "alice")).contains("SCRAM-SHA-256=iterations=8192");

            try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, local))) {
                admin.createTopics(List.of(new NewTopic("logs", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            tool("org.apache.kafka.tools.AclCommand", "--bootstrap-server", local, "--add", "--allow-principal",
                    "User:alice", "--operation", "Read", "--operation", "Describe", "--topic", "logs");
            assertThat(tool("org.apache.kafka.tools.AclCommand", "--bootstrap-server", local, "--list", "--topic", "logs"))
                    .contains("principal=User:alice").contains("operation=READ").contains("operation=DESCRIBE");

            Properties alice = new Properties();
            alice.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, sasl);
            alice.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            alice.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
            alice.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"alice\" password=\"alice-secret\";");
            try (Admin a = Admin.create(alice)) {
                assertThat(a.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactly("logs");
            }
            Properties producer = new Properties();
            producer.putAll(alice);
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
            // an idempotent producer would already fail at InitProducerId (CLUSTER_AUTHORIZATION_FAILED: no WRITE on
            // any topic), as with Kafka; without idempotence the Produce itself is denied
            producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            producer.put(ProducerConfig.ACKS_CONFIG, "1");
            try (KafkaProducer<String, String> p = new KafkaProducer<>(producer)) {
                assertThatThrownBy(() -> p.send(new ProducerRecord<>("logs", "no write")).get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            Properties consumer = new Properties();
            consumer.putAll(alice);
            consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "no-acl-group");
            consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer)) {
                c.subscribe(List.of("logs"));
                assertThatThrownBy(() -> c.poll(Duration.ofSeconds(20))).isInstanceOf(GroupAuthorizationException.class);
            }

            tool("org.apache.kafka.tools.AclCommand", "--bootstrap-server", local, "--remove", "--force",
                    "--allow-principal", "User:alice", "--operation", "Read", "--topic", "logs");
            String left = tool("org.apache.kafka.tools.AclCommand", "--bootstrap-server", local, "--list", "--topic", "logs");
            assertThat(left).contains("operation=DESCRIBE").doesNotContain("operation=READ");
        } finally {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    private Process startBroker(Path config, Map<String, String> listeners, CountDownLatch ready) throws Exception {
        String classes = System.getProperty("busbar.broker.classes");
        String classpath = classes + java.io.File.pathSeparator
                + Files.readString(Path.of(System.getProperty("busbar.broker.classpath.file"))).trim();
        Process p = new ProcessBuilder(java(), "-Xmx512m", "-cp", classpath, "io.busbar.kafka.BusbarBroker",
                "--data-dir", dir.resolve("data").toString(), "--config", config.toString())
                .redirectErrorStream(true).start();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[broker] " + line);
                    if (line.startsWith("BUSBAR_KAFKA_LISTENER ")) {
                        String[] f = line.split(" ");
                        listeners.put(f[1], f[2]);
                    } else if (line.startsWith("BUSBAR_KAFKA_LISTENING ") ) {
                        continue;
                    }
                    if (listeners.size() == 2) {
                        ready.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // the broker ended; the test's assertions report it
            }
        }, "security-broker-output");
        pump.setDaemon(true);
        pump.start();
        return p;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a Kafka 4.1.2 tool class in a child JVM; returns its output, failing on a non-zero exit. */
    private static String tool(String mainClass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", Files.readString(kafka4Classpath()).trim(),
                mainClass));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(mainClass + " did not finish: " + out);
        }
        assertThat(p.exitValue()).as("%s %s:%n%s", mainClass, String.join(" ", args), out).isZero();
        return out;
    }
}
