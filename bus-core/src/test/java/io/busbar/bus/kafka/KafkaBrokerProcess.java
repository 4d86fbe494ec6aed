package io.busbar.bus.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker+controller) in a child JVM, from the kafka_2.13
 * artifact on the test classpath (3.9.x, the line Camel 4.18 manages), on free loopback ports. For tests of the Kafka
 * backend; reusable by other modules through bus-core's test-jar (pass their own classpath for another Kafka line).
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private final Process process;
    private final String bootstrap;
    private final String saslBootstrap;
    private final String metadataVersion;

    /** The one user of the SASL/PLAIN listener ({@link #saslBootstrapServers()}). */
    public static final String SASL_USER = "busbar";
    public static final String SASL_PASSWORD = "busbar-secret";

    private KafkaBrokerProcess(Process process, String bootstrap, String saslBootstrap, String metadataVersion) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.saslBootstrap = saslBootstrap;
        this.metadataVersion = metadataVersion;
    }

    /** The Kafka broker lines the tests cover, each with the file its class path is written to by the build. */
    public enum Line {
        /** 3.9.x, the kafka_2.13 test dependency of bus-core (the line Camel 4.18's kafka-clients belongs to). */
        KAFKA_3("bus-core/target/kafka-broker.classpath", "mvn -pl bus-core -am test-compile"),
        /** 4.x, from the kafka-broker-4x module (its own Kafka, Jackson and Scala versions). */
        KAFKA_4("kafka-broker-4x/target/kafka-broker.classpath", "mvn -pl kafka-broker-4x generate-resources");

        private final String classpathFile;
        private final String buildCommand;

        Line(String classpathFile, String buildCommand) {
            this.classpathFile = classpathFile;
            this.buildCommand = buildCommand;
        }

        /** The class path, found from a module directory (where Maven runs tests) or from the repository root. */
        public String classpath() throws IOException {
            for (Path file : List.of(Path.of("..", classpathFile), Path.of(classpathFile))) {
                if (Files.exists(file)) {
                    return Files.readString(file).trim();
                }
            }
            throw new IllegalStateException(classpathFile + " is missing: build it first (" + buildCommand + ")");
        }
    }

    private static final java.util.Map<Line, KafkaBrokerProcess> SHARED = new java.util.EnumMap<>(Line.class);

    /**
     * One broker for every test class of this JVM (a broker takes tens of seconds to start on 2 cores); stopped by a
     * shutdown hook. Tests sharing it use unique topic and group names.
     */
    public static KafkaBrokerProcess shared() throws Exception {
        return shared(Line.KAFKA_3);
    }

    /** {@link #shared()} for a given broker line. */
    public static synchronized KafkaBrokerProcess shared(Line line) throws Exception {
        KafkaBrokerProcess broker = SHARED.get(line);
        if (broker == null) {
            broker = start(Files.createTempDirectory("busbar-kafka-"), line.classpath());
            SHARED.put(line, broker);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        }
        return broker;
    }

    public static KafkaBrokerProcess start(Path dir) throws Exception {
        return start(dir, brokerClasspath());
    }

    /**
     * bus-core's test classpath, written by the build to {@code bus-core/target/kafka-broker.classpath}: Kafka needs its
     * own Jackson and Scala versions, which a module with Camel on its test classpath does not have.
     */
    static String brokerClasspath() throws IOException {
        return Line.KAFKA_3.classpath();
    }

    public static KafkaBrokerProcess start(Path dir, String classpath) throws Exception {
        int[] ports = freePorts(3);
        int port = ports[0];
        int controllerPort = ports[1];
        int saslPort = ports[2];
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                // a second listener that requires a login, for tests of client security settings passed through
                "sasl.enabled.mechanisms=PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config=" + plainLogin("admin", "admin-secret")
                        .replace(";", " user_admin=\"admin-secret\" user_" + SASL_USER + "=\"" + SASL_PASSWORD + "\";"),
                "log.dirs=" + dir.resolve("logs"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                // same durability as the embedded bus's default: fsync before acknowledging
                "log.flush.interval.messages=1",
                ""));
        Process format = java(classpath, dir, "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString());
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("Formatting Kafka storage failed; see " + dir.resolve("kafka.log"));
        }
        Process broker = java(classpath, dir, "kafka.Kafka", config.toString());
        String bootstrap = "127.0.0.1:" + port;
        KafkaBrokerProcess kafka = new KafkaBrokerProcess(broker, bootstrap, "127.0.0.1:" + saslPort,
                formattedMetadataVersion(dir.resolve("kafka.log")));
        kafka.awaitReady();
        return kafka;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** The listener that requires SASL/PLAIN ({@link #SASL_USER}, {@link #SASL_PASSWORD}), security protocol SASL_PLAINTEXT. */
    public String saslBootstrapServers() {
        return saslBootstrap;
    }

    /** The {@code sasl.jaas.config} of a client logging in with PLAIN. */
    public static String plainLogin(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /** The KRaft metadata version the storage was formatted with (e.g. 3.9-IV0, 4.1-IV1): which broker line runs. */
    public String metadataVersion() {
        return metadataVersion;
    }

    private static String formattedMetadataVersion(Path log) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("with metadata\\.version (\\S+?)\\.?$", java.util.regex.Pattern.MULTILINE)
                .matcher(Files.readString(log));
        if (!m.find()) {
            throw new IllegalStateException("The storage format output in " + log + " names no metadata.version");
        }
        return m.group(1);
    }

    private void awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with " + process.exitValue());
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 2000,
                    "default.api.timeout.ms", 3000))) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(250); // polling a child process's readiness: there is no event to wait on
            }
        }
        close();
        throw new IllegalStateException("Kafka broker did not become ready in 120 s", last);
    }

    static Process java(String classpath, Path dir, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-cp", classpath, main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile())).start();
    }

    /**
     * {@code count} distinct free loopback ports. All sockets stay bound until every port is chosen: ports picked one
     * at a time can repeat (the kernel may hand the one just released out again), and Kafka refuses two listeners on
     * one port ("If you have two listeners on the same port ...", seen in CI).
     */
    public static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
