package io.busbar.routes;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runtime in this JVM on the embedded bus: hot reload restarts only the edited file's routes, and
 * {@code busbar run} without pipelines serves the bus alone.
 */
class BusbarRuntimeReloadAndBusAloneTest {

    @TempDir
    Path dir;

    private final List<String> summaries = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private BusbarRuntime runtime;
    private Thread runner;

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.stop();
            assertThat(runtime.awaitFinished(60, TimeUnit.SECONDS)).isTrue();
            runner.join(10_000);
        }
        assertThat(failure.get()).isNull();
    }

    private void start(PipelineFiles pipelines) {
        List<BusbarService> services = BusbarRuntime.discoverServices();
        Map<String, String> set = new HashMap<>(Map.of("busbar.data.dir", dir.resolve("data").toString(),
                "busbar.durability", "os", "busbar.admin.listener", "127.0.0.1:0", "busbar.kafka.listener", "127.0.0.1:0"));
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(services), Map.of(), "test", Map.of(), set);
        runtime = new BusbarRuntime(settings, pipelines, services, "test", summaries::add);
        runner = new Thread(() -> {
            try {
                runtime.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "busbar-runtime-test");
        runner.start();
    }

    @Test
    void reloadingOneFileLeavesTheRoutesOfTheOtherFilesRunning() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path counts = out.resolve("counter.txt");
        Files.writeString(pipelines.resolve("counter.yaml"), """
                - route:
                    id: counter
                    from:
                      uri: "timer:count?period=100&includeMetadata=true"
                      steps:
                        - setBody:
                            simple:
                              expression: "${header.CamelTimerCounter}\\n"
                              trim: false
                        - to: "file:%s?fileName=counter.txt&fileExist=Append"
                """.formatted(out));
        Path edited = pipelines.resolve("marker.yaml");
        Files.writeString(edited, marker("v1", out));
        start(PipelineFiles.of(List.of(pipelines)));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out.resolve("v1.txt")) && counted(counts).size() >= 5);

        Files.writeString(edited, marker("v2", out));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out.resolve("v2.txt")));
        int atReload = counted(counts).size();
        await().atMost(Duration.ofSeconds(30)).until(() -> counted(counts).size() >= atReload + 5);

        // a restarted timer would count from 1 again: the sequence runs on unbroken across the reload
        List<Integer> seen = counted(counts);
        assertThat(seen).containsExactlyElementsOf(IntStream.rangeClosed(1, seen.size()).boxed().toList());
    }

    @Test
    void anEditThatFailsTheConnectorChecksIsNotReloadedAndTheRunningVersionStays() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path counts = out.resolve("counter.txt");
        Path edited = pipelines.resolve("marker.yaml");
        Files.writeString(pipelines.resolve("counter.yaml"), """
                - route:
                    id: counter
                    from:
                      uri: "timer:count?period=100&includeMetadata=true"
                      steps:
                        - setBody:
                            simple:
                              expression: "${header.CamelTimerCounter}\\n"
                              trim: false
                        - to: "file:%s?fileName=counter.txt&fileExist=Append"
                """.formatted(out));
        Files.writeString(edited, marker("v1", out));
        start(PipelineFiles.of(List.of(pipelines)));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out.resolve("v1.txt")));

        // Camel alone would start this route: a kamelet ignores a parameter it does not know
        Files.writeString(edited, marker("v2", out) + """
                        - to: "kamelet:http-sink?url=http://127.0.0.1:9/x&methd=POST"
                """);
        int atEdit = counted(counts).size();
        await().atMost(Duration.ofSeconds(30)).until(() -> counted(counts).size() >= atEdit + 30); // the watcher's turn
        Files.writeString(edited, marker("v3", out));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out.resolve("v3.txt")));

        assertThat(out.resolve("v2.txt")).as("the edit with the misspelt parameter never ran").doesNotExist();
    }

    private static String marker(String version, Path out) {
        return """
                - route:
                    id: marker
                    from:
                      uri: "timer:marker?repeatCount=1"
                      steps:
                        - setBody:
                            constant: "%s"
                        - to: "file:%s?fileName=%s.txt"
                """.formatted(version, out, version);
    }

    private static List<Integer> counted(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Integer::parseInt).toList();
    }

    @Test
    void withoutPipelinesServesTheBusAloneAndSaysSo() throws Exception {
        start(PipelineFiles.of(List.of()));

        await().atMost(Duration.ofSeconds(60)).until(() -> !summaries.isEmpty());
        String summary = summaries.get(0);
        assertThat(summary).contains("pipeline files : none: serving the bus alone").contains("routes         : 0");
        Matcher kafka = Pattern.compile("kafka-listener kafka://127\\.0\\.0\\.1:(\\d+)").matcher(summary);
        assertThat(kafka.find()).as(summary).isTrue();
        try (Socket client = new Socket("127.0.0.1", Integer.parseInt(kafka.group(1)))) {
            assertThat(client.isConnected()).as("the Kafka listener accepts connections").isTrue();
        }
    }
}
