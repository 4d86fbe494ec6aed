package io.busbar.bus;

import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The bus the pipeline test suites run on, chosen by the system property {@code busbar.test.backend}:
 * {@code embedded} (the default), {@code kafka} (a real Apache Kafka 3.9 broker) or {@code kafka4} (a 4.x broker),
 * both KRaft single nodes in a child JVM. Maven runs the suites once per backend (surefire executions in connectors
 * and routes); tests tagged {@link #BOTH_BACKENDS} take part.
 * <p>
 * On Kafka every test of a JVM shares one broker. A test's data directory stands for the bus's state: the first time
 * a directory is opened, every topic and group on the broker is deleted, so the test starts on an empty bus as it does
 * with a new directory on the embedded bus; opening the same directory again (a restart) keeps the state.
 */
public enum TestBackend {
    EMBEDDED(null),
    KAFKA(KafkaBrokerProcess.Line.KAFKA_3),
    KAFKA4(KafkaBrokerProcess.Line.KAFKA_4);

    /** The JUnit tag of test classes whose tests run on every backend. */
    public static final String BOTH_BACKENDS = "both-backends";
    public static final String PROPERTY = "busbar.test.backend";

    private static final Set<Path> OPENED_DIRECTORIES = new HashSet<>();

    private final KafkaBrokerProcess.Line line;

    TestBackend(KafkaBrokerProcess.Line line) {
        this.line = line;
    }

    /** The backend of this test run. */
    public static TestBackend current() {
        return named(PROPERTY, System.getProperty(PROPERTY, "embedded"));
    }

    /** The backend a system property names ({@code embedded}, {@code kafka}, {@code kafka4}); the error lists them. */
    public static TestBackend named(String property, String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + property + "=" + name + " is not a backend: use one of "
                    + Arrays.stream(values()).map(b -> b.name().toLowerCase(Locale.ROOT)).toList(), e);
        }
    }

    public boolean isKafka() {
        return line != null;
    }

    /** A bus over the data directory (embedded, OS durability: tests do not need fsync) or on the shared broker. */
    public Bus open(Path dataDir) {
        return open(BusConfig.builder(dataDir).durability(Durability.OS).build());
    }

    /** A bus with these settings; on Kafka only the default partition count carries over. */
    public Bus open(BusConfig config) {
        if (!isKafka()) {
            return Bus.open(config);
        }
        String bootstrap = bootstrapServers(config.dataDir());
        return Bus.kafka(KafkaBusConfig.of(bootstrap).withDefaultPartitions(config.defaultPartitions()));
    }

    /**
     * The runtime settings ({@code busbar.*}) that put a Busbar runtime on this backend, for a runtime whose data
     * directory is {@code dataDir}: none on the embedded bus.
     */
    public Map<String, String> runtimeSettings(Path dataDir) {
        if (!isKafka()) {
            return Map.of();
        }
        return Map.of("busbar.bus.backend", "kafka", "busbar.kafka.bootstrap.servers", bootstrapServers(dataDir),
                // send at once: the tests are latency-bound, not throughput-bound
                "busbar.kafka.producer.linger.ms", "0");
    }

    /** The shared broker's address; the first time {@code dataDir} is seen, the broker is emptied. */
    private String bootstrapServers(Path dataDir) {
        try {
            KafkaBrokerProcess broker = KafkaBrokerProcess.shared(line);
            synchronized (OPENED_DIRECTORIES) {
                if (OPENED_DIRECTORIES.add(dataDir.toAbsolutePath().normalize())) {
                    deleteEverything(broker.bootstrapServers());
                }
            }
            return broker.bootstrapServers();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Could not start or reach the Kafka " + line + " test broker", e);
        }
    }

    /** Deletes every group and topic (internal ones of Kafka aside) and waits until the topics are gone. */
    private static void deleteEverything(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.currentTimeMillis() + 30_000;
            List<String> groups = groupIds(admin);
            // a member of a previous test may still be leaving (a closed consumer's LeaveGroup is asynchronous)
            while (!groups.isEmpty()) {
                try {
                    admin.deleteConsumerGroups(groups).all().get(10, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("Groups " + groups + " could not be deleted between tests: a"
                                + " test left a consumer open", e);
                    }
                    Thread.sleep(200); // retrying until the departing member's session ends: no event to wait on
                    groups = groupIds(admin);
                }
            }
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            }
            while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).isEmpty()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Topics were not deleted within 30 s: "
                            + admin.listTopics().names().get());
                }
                Thread.sleep(50); // topic deletion completes asynchronously on the broker
            }
        }
    }

    private static List<String> groupIds(Admin admin) throws Exception {
        return admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream().map(ConsumerGroupListing::groupId).toList();
    }
}
