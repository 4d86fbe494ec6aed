package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.TestBackend;
import io.busbar.routes.BusbarCommand;
import io.busbar.routes.admin.Json;
import io.busbar.routes.admin.RunningBusbar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every CLI command against a running runtime (--url), and the data-directory mode on a stopped one. */
@Tag(TestBackend.BOTH_BACKENDS)
class CliTest {

    @TempDir
    static Path dir;

    static RunningBusbar busbar;

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        busbar = RunningBusbar.start(dir, RunningBusbar.SAMPLE_PIPELINES, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        busbar.close();
    }

    static Result run(String... args) {
        CommandLine cli = BusbarCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    static Result remote(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add(busbar.url());
        return run(all.toArray(String[]::new));
    }

    @Test
    void createsListsDescribesAndDeletesTopics() {
        Result created = remote("topics", "create", "cli-topic", "--partitions", "2", "--config", "retention.ms=60000");
        assertThat(created.exit()).isZero();
        assertThat(created.out()).contains("Created topic cli-topic with 2 partition(s)");
        assertThat(remote("topics", "list").out()).containsPattern("cli-topic\\s+2\\s+0");
        Result described = remote("topics", "describe", "cli-topic");
        assertThat(described.out()).contains("retention.ms = 60000").containsPattern("(?m)^1\\s+0\\s+0");
        JsonNode json = parse(remote("topics", "describe", "cli-topic", "--json").out());
        assertThat(json.path("partitions")).hasSize(2);
        assertThat(remote("topics", "delete", "cli-topic").out()).contains("Deleted topic cli-topic");
        Result missing = remote("topics", "describe", "cli-topic");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("busbar: ").contains("cli-topic");
    }

    @Test
    void producesFromAFileWithKeysAndHeadersAndConsumesFromTheBeginning() throws Exception {
        Path file = dir.resolve("lines.txt");
        Files.writeString(file, "c1:first\n\nc2:second\nc1:third\n");
        Result produced = remote("produce", "cli-file", "--file", file.toString(), "--key-separator", ":",
                "--header", "source=cli");
        assertThat(produced.exit()).isZero();
        assertThat(produced.out()).contains("Produced 3 record(s) to cli-file");

        Result consumed = remote("consume", "cli-file", "--format", "json");
        List<JsonNode> records = consumed.lines().stream().map(CliTest::parse).toList();
        assertThat(records).extracting(r -> r.path("key").asText() + "=" + r.path("value").asText())
                .containsExactly("c1=first", "c2=second", "c1=third");
        assertThat(records.get(0).path("headers").get(0).path("value").asText()).isEqualTo("cli");
        assertThat(consumed.err()).contains("3 record(s)");

        assertThat(remote("consume", "cli-file", "--partition", "0", "--offset", "1", "--format", "value").lines())
                .containsExactly("second", "third");
        assertThat(remote("consume", "cli-file", "--max", "2", "--format", "value").lines()).containsExactly("first", "second");
        assertThat(remote("consume", "cli-file", "--max", "1").out()).startsWith("cli-file-0@0 key=c1 source=cli | first");
    }

    @Test
    void producesFromStdinInBatchesWithProgress() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("a\nb\nc\nd\ne\n".getBytes(StandardCharsets.UTF_8)));
            Result produced = remote("produce", "cli-stdin", "--batch-size", "2", "--key", "same");
            assertThat(produced.out()).contains("Produced 5 record(s) to cli-stdin");
            assertThat(produced.err()).contains("produced 2 record(s)...", "produced 4 record(s)...");
        } finally {
            System.setIn(stdin);
        }
        assertThat(remote("consume", "cli-stdin", "--format", "value").lines()).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void consumesAsAGroupThenListsDescribesResetsAndDeletesIt() throws Exception {
        Files.writeString(dir.resolve("g.txt"), "1\n2\n3\n");
        remote("produce", "cli-group", "--file", dir.resolve("g.txt").toString());
        assertThat(remote("consume", "cli-group", "--group", "cli-readers", "--max", "2", "--format", "value").lines())
                .containsExactly("1", "2");
        assertThat(remote("consume", "cli-group", "--group", "cli-readers", "--format", "value").lines()).containsExactly("3");
        assertThat(remote("consume", "cli-group", "--group", "cli-readers").lines()).isEmpty();

        assertThat(remote("groups", "list").out()).containsPattern("cli-readers\\s+\\S+\\s+0\\s+0");
        assertThat(remote("groups", "describe", "cli-readers").out()).containsPattern("cli-group\\s+0\\s+3\\s+3\\s+0");
        Result reset = remote("groups", "reset-offsets", "cli-readers", "--topic", "cli-group", "--to-offset", "1");
        assertThat(reset.out()).containsPattern("cli-group-0\\s+1");
        assertThat(remote("consume", "cli-group", "--group", "cli-readers", "--format", "value").lines()).containsExactly("2", "3");
        assertThat(remote("groups", "reset-offsets", "cli-readers", "--topic", "cli-group", "--to-latest").out())
                .containsPattern("cli-group-0\\s+3");
        assertThat(remote("groups", "reset-offsets", "cli-readers", "--topic", "cli-group", "--partition", "0",
                "--to-datetime", "2000-01-01T00:00:00Z").out()).containsPattern("cli-group-0\\s+0");
        assertThat(remote("groups", "reset-offsets", "cli-readers", "--topic", "cli-group", "--to-datetime", "yesterday")
                .err()).contains("ISO-8601");
        remote("groups", "reset-offsets", "cli-readers", "--topic", "cli-group", "--to-earliest");
        assertThat(remote("groups", "describe", "cli-readers", "--json").out()).contains("\"lag\" : 3");
        assertThat(remote("groups", "delete", "cli-readers").out()).contains("Deleted group cli-readers");
        assertThat(remote("groups", "describe", "cli-readers").exit()).isEqualTo(1);
        assertThat(remote("groups", "reset-offsets", "x", "--topic", "cli-group").exit()).isEqualTo(2);
    }

    @Test
    void listsStopsAndStartsPipelines() {
        await().atMost(Duration.ofSeconds(30)).until(() -> remote("pipelines", "list").out().contains("running"));
        assertThat(remote("pipelines", "list").out()).containsPattern("billing\\s+running\\s+bus://orders");
        assertThat(remote("pipelines", "stop", "billing").out()).contains("Pipeline billing is stopped");
        assertThat(remote("pipelines", "list").out()).containsPattern("billing\\s+stopped");
        assertThat(remote("pipelines", "start", "billing").out()).contains("Pipeline billing is running");
        assertThat(remote("pipelines", "stop", "nope").err()).contains("No pipeline 'nope'");
    }

    @Test
    void inspectsAndReplaysDeadLettersWithProgress() {
        Path file = dir.resolve("payments.txt");
        try {
            Files.writeString(file, "bad a\nok\nbad b\nbad c\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        remote("produce", "payments", "--file", file.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> remote("dlq", "inspect", "payments").out().contains("3 record(s) not yet replayed"));
        assertThat(remote("dlq", "inspect", "payments").out()).contains("IllegalArgumentException: rejected payment", "bad b")
                .containsPattern("payments-\\d+@\\d+\\s+payer").doesNotContain("null-null@null");
        assertThat(remote("dlq", "inspect").out()).containsPattern("payments.dlq\\s+payments\\s+3\\s+0\\s+3");

        remote("pipelines", "stop", "payments");
        Result replay = remote("dlq", "replay", "payments", "--batch-size", "2");
        assertThat(replay.exit()).isZero();
        assertThat(replay.err()).contains("replayed 2 record(s), 1 remaining", "replayed 3 record(s), 0 remaining");
        assertThat(replay.out()).contains("Replayed 3 record(s) from payments.dlq");
        assertThat(remote("dlq", "inspect").out()).containsPattern("payments.dlq\\s+payments\\s+3\\s+3\\s+0");
        remote("pipelines", "start", "payments");
    }

    @Test
    void worksOnAStoppedDataDirectoryAndRefusesARunningOne(@TempDir Path stopped) {
        Result created = run("topics", "create", "offline", "--partitions", "2", "--data-dir", stopped.toString());
        assertThat(created.exit()).isZero();
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("k:v\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(run("produce", "offline", "--key-separator", ":", "--data-dir", stopped.toString()).out())
                    .contains("Produced 1 record(s)");
        } finally {
            System.setIn(stdin);
        }
        assertThat(run("consume", "offline", "--format", "value", "--data-dir", stopped.toString()).lines()).containsExactly("v");
        assertThat(run("topics", "list", "--data-dir", stopped.toString()).out()).containsPattern("offline\\s+2\\s+1");
        Result pipelines = run("pipelines", "list", "--data-dir", stopped.toString());
        assertThat(pipelines.exit()).isEqualTo(1);
        assertThat(pipelines.err()).contains("start the runtime");

        Result locked = run("topics", "list", "--data-dir", busbar.dataDir().toString());
        assertThat(locked.exit()).isEqualTo(1);
        assertThat(locked.err()).startsWith("busbar: ");
    }

    @Test
    void explainsAnUnreachableUrl() {
        Result r = run("topics", "list", "--url", "http://127.0.0.1:1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Cannot reach Busbar at http://127.0.0.1:1");
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
