package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.TopicPartition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real launcher, {@code bin/busbar} (the packaged jar and its lib/), started as a separate process, as a user
 * runs it. Runs after {@code package} (failsafe).
 */
class BusbarLauncherIT {

    /** Services that listen (admin API, Kafka listener) take any free port: tests never use a fixed one. */
    private static final String FREE_ADMIN_PORT = "busbar.admin.listener=127.0.0.1:0";
    private static final String FREE_KAFKA_PORT = "busbar.kafka.listener=127.0.0.1:0";

    private static final Path HOME = Path.of(System.getProperty("busbar.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private Process launch(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin/busbar").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("BUSBAR_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    @Test
    void quickstartSampleBillsAndPrintsEveryOrderThenStopsByItself() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("quickstart.log");

        Process p = launch(log, "run", HOME.resolve("samples/quickstart").toString(),
                "--config", HOME.resolve("samples/quickstart/busbar.properties").toString(),
                "--set", "busbar.data.dir=" + data, "--set", FREE_ADMIN_PORT, "--set", FREE_KAFKA_PORT);

        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("exits by itself; log: %s", log).isTrue();
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("Busbar ").contains("routes         : 3").contains("billing: bus://orders");
        assertThat(output.lines().filter(l -> l.contains("Invoice {\"invoiceFor\"")).count()).as(output).isEqualTo(12);
        try (Bus bus = Bus.open(BusConfig.builder(data).build())) {
            assertThat(readAll(bus, "orders", 12)).hasSize(12);
            List<ConsumedRecord> invoices = readAll(bus, "invoices", 12);
            assertThat(invoices).hasSize(12).allSatisfy(r -> assertThat(r.valueAsString()).contains("\"tier\""));
            assertThat(committedTotal(bus, "billing", "orders")).isEqualTo(12);
            assertThat(committedTotal(bus, "printer", "invoices")).isEqualTo(12);
        }
    }

    @Test
    void processesEveryRecordAtLeastOnceAcrossASigkillAndCommitsOnSigterm() throws Exception {
        int records = 400;
        Path data = dir.resolve("data");
        try (Bus bus = Bus.open(BusConfig.builder(data).build())) {
            bus.admin().createTopic("in", 2, Map.of());
            for (int i = 0; i < records; i++) {
                bus.producer().send("in", BusRecord.of("k" + (i % 7), "r" + i));
            }
            bus.producer().flush();
        }
        Path out = Files.createDirectories(dir.resolve("out"));
        Path processed = out.resolve("processed.log");
        Path pipeline = Files.writeString(dir.resolve("copy.yaml"), """
                - route:
                    id: copier
                    from:
                      uri: "bus:in?groupId=copier&commitIntervalMs=100"
                      steps:
                        - delay:
                            constant: 5
                            asyncDelayed: false
                        - to: "bus:out"
                        - setBody:
                            simple:
                              expression: "${bodyAs(String)}\\n"
                              trim: false
                        - to: "file:%s?fileName=processed.log&fileExist=Append"
                """.formatted(out));
        Path log = dir.resolve("copy.log");
        String[] args = { "run", pipeline.toString(), "--set", "busbar.data.dir=" + data, "--set", FREE_ADMIN_PORT, "--set", FREE_KAFKA_PORT };

        Process first = launch(log, args);
        await().atMost(Duration.ofSeconds(120)).until(() -> lines(processed).size() >= 40);
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lines(processed).size()).as("killed mid-stream").isLessThan(records);

        Process second = launch(log, args);
        Set<String> expected = new HashSet<>();
        IntStream.range(0, records).forEach(i -> expected.add("r" + i));
        await().atMost(Duration.ofSeconds(180)).until(() -> new HashSet<>(lines(processed)).containsAll(expected));
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

        try (Bus bus = Bus.open(BusConfig.builder(data).build())) {
            Set<String> copied = new HashSet<>();
            readAll(bus, "out", records).forEach(r -> copied.add(r.valueAsString()));
            assertThat(copied).containsAll(expected);
            assertThat(committedTotal(bus, "copier", "in")).as("SIGTERM commits every processed offset").isEqualTo(records);
        }
    }

    /** Launches with standard output and standard error in two files, as a shell pipe would see them. */
    private Process launchSeparated(Path stdout, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin/busbar").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("BUSBAR_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    @Test
    void sigtermLogsWhatItStopsAndThatTheBusClosedCleanlyOnStandardError() throws Exception {
        Path pipeline = Files.writeString(dir.resolve("ticker.yaml"), """
                - route:
                    id: ticker
                    from:
                      uri: "timer:tick?period=200"
                      steps:
                        - to: "bus:ticks"
                """);
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process p = launchSeparated(stdout, stderr, "run", pipeline.toString(), "--set", "busbar.data.dir=" + dir.resolve("data"),
                "--set", FREE_ADMIN_PORT, "--set", FREE_KAFKA_PORT);
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(stdout).contains("Stop with Ctrl-C"));

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        String err = Files.readString(stderr);
        assertThat(p.exitValue()).as(err).isEqualTo(143);
        assertThat(err).contains("Signal received: stopping 1 route(s) [ticker], then the services [")
                .contains("Pipelines stopped: in-flight exchanges finished, offsets committed")
                .contains("Stopped service kafka-listener").contains("Stopped service admin")
                .contains("Bus closed cleanly on " + dir.resolve("data"));
        String out = Files.readString(stdout);
        assertThat(out).as("standard output holds the summary, no log lines").contains("routes         : 1")
                .doesNotContain(" INFO ");
    }

    @Test
    void theBusAloneServesKafkaAndItsSummarySaysSo() throws Exception {
        Path stdout = dir.resolve("stdout.txt");
        Process p = launchSeparated(stdout, dir.resolve("stderr.txt"), "run", "--set", "busbar.data.dir=" + dir.resolve("data"),
                "--set", FREE_ADMIN_PORT, "--set", FREE_KAFKA_PORT);
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(stdout).contains("Stop with Ctrl-C"));
        assertThat(Files.readString(stdout)).contains("pipeline files : none: serving the bus alone")
                .containsPattern("listeners      : admin http://127\\.0\\.0\\.1:\\d+/console/, kafka-listener kafka://127\\.0\\.0\\.1:\\d+");
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void jsonOfACommandGoesToStandardOutputAloneSoItParses() throws Exception {
        Path data = dir.resolve("data");
        try (Bus bus = Bus.open(BusConfig.builder(data).build())) {
            bus.admin().createTopic("orders", 2, Map.of());
        }
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");

        Process p = launchSeparated(stdout, stderr, "topics", "list", "--data-dir", data.toString(), "--json");

        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
        JsonNode json = new ObjectMapper().readTree(stdout.toFile()); // what `| jq` reads
        assertThat(json.toString()).contains("\"orders\"");
        assertThat(Files.readString(stderr)).as("the bus's log lines went to standard error").contains("Bus open on");
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static List<ConsumedRecord> readAll(Bus bus, String topic, int atLeast) {
        List<ConsumedRecord> records = new ArrayList<>();
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
            int partitions = bus.admin().describeTopic(topic).partitions().size();
            List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(i -> new TopicPartition(topic, i)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                records.addAll(consumer.poll(Duration.ofMillis(100)));
                return records.size() >= atLeast
                        && tps.stream().allMatch(tp -> consumer.position(tp) >= endOffset(bus, tp));
            });
        }
        return records;
    }

    private static long endOffset(Bus bus, TopicPartition tp) {
        return bus.admin().describeTopic(tp.topic()).partitions().get(tp.partition()).endOffset();
    }

    private static long committedTotal(Bus bus, String group, String topic) {
        GroupDescription d = bus.admin().describeGroup(group);
        return d.offsets().stream().filter(o -> o.partition().topic().equals(topic))
                .mapToLong(GroupDescription.PartitionOffsets::committedOffset).sum();
    }
}
