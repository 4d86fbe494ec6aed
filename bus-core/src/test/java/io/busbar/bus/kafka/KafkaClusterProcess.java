package io.busbar.bus.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * A real Apache Kafka cluster of {@code size} combined broker+controller KRaft nodes (every node a voter), each in
 * its own child JVM on free loopback ports, from the same kafka_2.13 classpath as {@link KafkaBrokerProcess}. Topics
 * get 3 replicas (fewer on a smaller cluster) and need 2 in sync to acknowledge, the usual "survive one broker"
 * setup. {@link #kill(int)} SIGKILLs one node, for failover tests.
 *
 * <p>Node ids are 1..size; node {@code n} runs in {@code dir/node-n}, its output in {@code dir/node-n/kafka.log}.
 */
public final class KafkaClusterProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final List<Process> processes;
    private final String bootstrap;

    private KafkaClusterProcess(Path dir, List<Process> processes, String bootstrap) {
        this.dir = dir;
        this.processes = processes;
        this.bootstrap = bootstrap;
    }

    public static KafkaClusterProcess start(Path dir, int size) throws Exception {
        return start(dir, size, KafkaBrokerProcess.brokerClasspath());
    }

    public static KafkaClusterProcess start(Path dir, int size, String classpath) throws Exception {
        int[] free = KafkaBrokerProcess.freePorts(2 * size);
        List<Integer> ports = new ArrayList<>();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(free[2 * i]);
            controllerPorts.add(free[2 * i + 1]);
        }
        String voters = IntStream.range(0, size).mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        List<Path> configs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Path nodeDir = Files.createDirectories(dir.resolve("node-" + (i + 1)));
            configs.add(writeConfig(nodeDir, i + 1, size, voters, ports.get(i), controllerPorts.get(i)));
        }
        // formatting and starting are JVM starts of several seconds each: all nodes at once
        List<Process> formats = new ArrayList<>();
        for (Path config : configs) {
            formats.add(KafkaBrokerProcess.java(classpath, config.getParent(), "kafka.tools.StorageTool", "format",
                    "-t", clusterId, "-c", config.toString()));
        }
        for (int i = 0; i < size; i++) {
            Process format = formats.get(i);
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("Formatting the storage of Kafka node " + (i + 1) + " failed; see "
                        + configs.get(i).resolveSibling("kafka.log"));
            }
        }
        List<Process> nodes = new ArrayList<>();
        for (Path config : configs) {
            nodes.add(KafkaBrokerProcess.java(classpath, config.getParent(), "kafka.Kafka", config.toString()));
        }
        String bootstrap = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        KafkaClusterProcess cluster = new KafkaClusterProcess(dir, nodes, bootstrap);
        try {
            cluster.awaitBrokers(size);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static Path writeConfig(Path nodeDir, int nodeId, int size, String voters, int port, int controllerPort)
            throws IOException {
        int replicas = Math.min(3, size);
        int minInSync = Math.min(2, replicas);
        return Files.writeString(nodeDir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=" + nodeId,
                "controller.quorum.voters=" + voters,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + nodeDir.resolve("logs"),
                "num.partitions=1",
                "default.replication.factor=" + replicas,
                "min.insync.replicas=" + minInSync,
                "offsets.topic.replication.factor=" + replicas,
                // few partitions for the internal topics: 50 (the default) times 3 replicas is slow to create on 2 cores
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=" + replicas,
                "transaction.state.log.min.isr=" + minInSync,
                "transaction.state.log.num.partitions=4",
                "unclean.leader.election.enable=false",
                "group.initial.rebalance.delay.ms=0",
                // Busbar creates the topics it uses (with its replication factor); a typo must not create one
                "auto.create.topics.enable=false",
                ""));
    }

    /** Waits until {@code count} brokers are registered and unfenced (able to lead and follow partitions). */
    private void awaitBrokers(int count) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 3000,
                "default.api.timeout.ms", 5000))) {
            await("Kafka cluster of " + count + " nodes ready (logs in " + dir + ")").atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .failFast("a Kafka node exited", () -> processes.stream().anyMatch(p -> !p.isAlive()))
                    .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == count);
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public int size() {
        return processes.size();
    }

    /** SIGKILLs node {@code nodeId} (1..size), as a crash: no controlled shutdown, no leadership hand-over. */
    public void kill(int nodeId) throws InterruptedException {
        Process process = processes.get(nodeId - 1);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Kafka node " + nodeId + " did not die within 30 s of SIGKILL");
        }
    }

    public boolean isAlive(int nodeId) {
        return processes.get(nodeId - 1).isAlive();
    }

    /** The output of node {@code nodeId}, for failure messages. */
    public Path log(int nodeId) {
        return dir.resolve("node-" + nodeId).resolve("kafka.log");
    }

    /**
     * Kills every node. The data is thrown away, and a graceful stop of a whole KRaft quorum at once can hang: each
     * broker's controlled shutdown waits for controllers that are stopping too.
     */
    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
