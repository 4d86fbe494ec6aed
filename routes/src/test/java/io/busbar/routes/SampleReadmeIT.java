package io.busbar.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every sample's README, run as a reader runs it: its shell commands (see {@link ReadmeCommands}) in a fresh
 * directory holding a copy of {@code samples/} and {@code bin/busbar}, through the real launcher, each checked
 * against what the README says it prints or leaves behind. Ports are moved only with documented settings: the
 * runtime's admin and Kafka listeners by their environment forms (BUSBAR_ADMIN_LISTENER, BUSBAR_KAFKA_LISTENER:
 * any free port), the HTTP sample's own ports by the {@code --set} settings its README names. Each test first pins the
 * README's commands, so a README that changes its steps fails here until the checks follow; {@code bin/busbar test}
 * lines (a sample's own pipeline tests) need no pinning: they run as written and must pass. Runs after
 * {@code package} (failsafe).
 */
class SampleReadmeIT {

    private static final Path HOME = Path.of(System.getProperty("busbar.home", "..")).toAbsolutePath().normalize();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final String PIPELINE_TEST = "bin/busbar test ";

    @TempDir
    Path work;

    private final List<Process> background = new ArrayList<>();

    /** Exit code and everything printed (standard output, then standard error). */
    private record Ran(int exit, String output) {
    }

    @BeforeEach
    void freshCheckout() throws IOException {
        copyTree(HOME.resolve("samples"), work.resolve("samples"));
        Files.createDirectories(work.resolve("bin"));
        Files.copy(HOME.resolve("bin/busbar"), work.resolve("bin/busbar"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    @AfterEach
    void stopBackground() throws InterruptedException {
        for (Process p : background) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** The README's commands but its {@code bin/busbar test} lines (see {@link #sampleTestsPass}), pinned by each test. */
    private static List<String> commandsOf(String sample) throws IOException {
        return ReadmeCommands.of(HOME.resolve("samples").resolve(sample).resolve("README.md")).stream()
                .filter(c -> !c.startsWith(PIPELINE_TEST)).toList();
    }

    /** A README's {@code bin/busbar test ...} lines (the sample's own pipeline tests) run as written and pass. */
    private void sampleTestsPass(String sample) throws Exception {
        for (String command : ReadmeCommands.of(HOME.resolve("samples").resolve(sample).resolve("README.md"))) {
            if (command.startsWith(PIPELINE_TEST)) {
                Ran ran = run(command);
                assertThat(ran.exit()).as("%s%n%s", command, ran.output()).isZero();
            }
        }
    }

    private static String readme(String sample) throws IOException {
        return Files.readString(HOME.resolve("samples").resolve(sample).resolve("README.md"));
    }

    private ProcessBuilder shell(String command) {
        ProcessBuilder b = new ProcessBuilder("bash", "-c", command).directory(work.toFile());
        // the copied bin/busbar runs this build's jar; BUSBAR_HOME is the launcher's documented way to point at it
        b.environment().put("BUSBAR_HOME", HOME.toString());
        b.environment().put("BUSBAR_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        b.environment().put("BUSBAR_ADMIN_LISTENER", "127.0.0.1:0");
        b.environment().put("BUSBAR_KAFKA_LISTENER", "127.0.0.1:0");
        return b;
    }

    private Ran run(String command) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = shell(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        background.add(p);
        assertThat(p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("'%s' ends", command).isTrue();
        return new Ran(p.exitValue(), Files.readString(out) + Files.readString(err));
    }

    private static long linesContaining(String output, String text) {
        return output.lines().filter(l -> l.contains(text)).count();
    }

    @Test
    void quickstart() throws Exception {
        List<String> commands = commandsOf("quickstart");
        assertThat(commands).containsExactly(
                "bin/busbar run samples/quickstart --config samples/quickstart/busbar.properties");
        assertThat(readme("quickstart")).contains("12 orders").contains("one `Invoice {...}` line per order");

        Ran ran = run(commands.get(0));

        assertThat(ran.exit()).as(ran.output()).isZero();
        assertThat(ran.output()).contains("Busbar ").contains(" running").contains("routes         : 3");
        assertThat(linesContaining(ran.output(), "Invoice {")).as(ran.output()).isEqualTo(12);
        sampleTestsPass("quickstart");
    }

    @Test
    void csvToJsonl() throws Exception {
        List<String> commands = commandsOf("csv-to-jsonl");
        assertThat(commands).hasSize(4);
        assertThat(commands.get(0)).startsWith("mkdir -p data/csv-to-jsonl/inbox && cp samples/csv-to-jsonl/data/*.csv");
        assertThat(commands.get(1)).isEqualTo("bin/busbar run samples/csv-to-jsonl --config samples/csv-to-jsonl/busbar.properties");
        assertThat(commands.get(2)).startsWith("ls data/csv-to-jsonl/inbox/.done/");
        assertThat(commands.get(3)).startsWith("cat data/csv-to-jsonl/outbox/*.jsonl");
        assertThat(readme("csv-to-jsonl")).contains("# both CSV files").contains("# 8 orders, one JSON object per line");

        assertThat(run(commands.get(0)).exit()).isZero();
        Ran busbar = run(commands.get(1));
        assertThat(busbar.exit()).as(busbar.output()).isZero();

        Ran done = run(commands.get(2));
        List<String> csvFiles;
        try (Stream<Path> data = Files.list(HOME.resolve("samples/csv-to-jsonl/data"))) {
            csvFiles = data.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(csvFiles).hasSize(2);
        assertThat(done.output().lines().toList()).as(busbar.output()).containsExactlyInAnyOrderElementsOf(csvFiles);

        Ran outbox = run(commands.get(3));
        List<String> orders = outbox.output().lines().filter(l -> !l.isBlank()).toList();
        assertThat(orders).as(busbar.output()).hasSize(8);
        ObjectMapper json = new ObjectMapper();
        for (String order : orders) {
            assertThat(json.readTree(order).isObject()).as(order).isTrue();
        }
        sampleTestsPass("csv-to-jsonl");
    }

    @Test
    void ordersDb() throws Exception {
        List<String> commands = commandsOf("orders-db");
        String run = "bin/busbar run samples/orders-db --config samples/orders-db/busbar.properties";
        assertThat(commands).hasSize(4);
        assertThat(commands.get(0)).isEqualTo(run);
        assertThat(commands.get(1)).startsWith("java -cp ~/.m2/repository/com/h2database/h2/").contains("SELECT * FROM order_report");
        assertThat(commands.get(2)).startsWith("java -cp ~/.m2/repository/com/h2database/h2/")
                .contains("UPDATE orders SET status = 'shipped'");
        assertThat(commands.get(3)).isEqualTo(run);
        assertThat(readme("orders-db")).contains("`Published 4 order row(s) to topic orders`")
                .contains("`Wrote 4 record(s) to order_report`").contains("only the change travels");

        Ran first = run(commands.get(0));
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("Published 4 order row(s) to topic orders").contains("Wrote 4 record(s) to order_report");

        Ran report = run(commands.get(1));
        assertThat(report.exit()).as(report.output()).isZero();
        assertThat(report.output()).contains("Ada Lovelace").contains("(4 rows");

        Ran change = run(commands.get(2));
        assertThat(change.output()).contains("Update count: 1");

        Ran second = run(commands.get(3));
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).as("only the change travels").contains("Published 1 order row(s) to topic orders")
                .contains("Wrote 1 record(s) to order_report").doesNotContain("Published 4 order row(s)");
        sampleTestsPass("orders-db");
    }

    @Test
    void httpIngest() throws Exception {
        List<String> commands = commandsOf("http-ingest");
        assertThat(commands).hasSize(9);
        assertThat(commands.get(0)).isEqualTo("bin/busbar run samples/http-ingest --config samples/http-ingest/busbar.properties");
        String readme = readme("http-ingest");
        assertThat(readme).contains("--set app.ingest.port=18080 --set app.receiver.port=18081")
                .contains("--set busbar.http.enabled=true\n--set busbar.http.listener=127.0.0.1:8090");
        int[] ports = KafkaBrokerProcess.freePorts(3);
        int ingest = ports[0];
        int receiver = ports[1];
        int readApi = ports[2];

        // the README's run command, with the ports moved by the settings it documents
        Path log = work.resolve("http-ingest.log");
        Process busbar = shell(commands.get(0) + " --set app.ingest.port=" + ingest + " --set app.receiver.port=" + receiver
                + " --set busbar.http.enabled=true --set busbar.http.listener=127.0.0.1:" + readApi)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        background.add(busbar);
        await().atMost(COMMAND_TIMEOUT).until(() -> Files.readString(log).contains("Stop with Ctrl-C") || !busbar.isAlive());
        assertThat(busbar.isAlive()).as(Files.readString(log)).isTrue();

        List<String> curls = commands.subList(1, commands.size()).stream()
                .map(c -> c.replace("127.0.0.1:8080", "127.0.0.1:" + ingest).replace("127.0.0.1:8090", "127.0.0.1:" + readApi))
                .toList();
        assertThat(run(curls.get(0)).output()).startsWith("{\"topic\":\"orders\",\"partition\":0,\"offset\":0,\"timestamp\":");
        assertThat(run(curls.get(1)).output()).startsWith("{\"topic\":\"orders\",\"count\":3,\"records\":[{\"partition\":0,\"offset\":1}");
        assertThat(run(curls.get(2)).output()).contains("\"status\":404").contains("unknown_topic");
        assertThat(run(curls.get(3)).output()).contains("\"status\":400").contains("invalid_body");
        assertThat(run(curls.get(4)).output()).contains("\"status\":415");

        // "The log shows Webhook received {"id":1,...} for orders 1-3"
        await().atMost(Duration.ofSeconds(60)).until(() -> linesContaining(Files.readString(log), "Webhook received") == 3);
        assertThat(Files.readString(log)).contains("Webhook received {\"id\":1,");

        assertThat(run(curls.get(5)).output()).contains("\"topic\":\"delivered\"").contains("\\\"id\\\":3");
        // offsets are committed every second: the group catches up to lag 0 once the three deliveries are committed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(run(curls.get(6)).output())
                .contains("\"groupId\":\"webhook\"").contains("\"lag\":0"));
        // the stream never ends by itself: read it for 3 seconds, as a reader would press Ctrl-C
        Ran stream = run("timeout 3 " + curls.get(7));
        assertThat(stream.output()).contains("event: record").contains("\\\"amount\\\":5");

        busbar.destroy();
        assertThat(busbar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).contains("Bus closed cleanly");
        sampleTestsPass("http-ingest");
    }
}
