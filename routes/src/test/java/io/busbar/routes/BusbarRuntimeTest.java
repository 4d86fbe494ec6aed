package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TestBackend;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The runtime in this JVM: Java DSL sources, hot reload, the service SPI and the startup summary. */
@Tag(TestBackend.BOTH_BACKENDS)
class BusbarRuntimeTest {

    @TempDir
    Path dir;

    private Path pipelines;
    private Path out;
    private Path data;
    private final List<String> summaries = new CopyOnWriteArrayList<>();
    private BusbarRuntime runtime;
    private Thread runner;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @BeforeEach
    void dirs() throws Exception {
        pipelines = Files.createDirectories(dir.resolve("pipelines"));
        out = Files.createDirectories(dir.resolve("out"));
        data = dir.resolve("data");
        RecordingService.EVENTS.clear();
    }

    @AfterEach
    void stopRuntime() throws Exception {
        if (runtime != null) {
            runtime.stop();
            assertThat(runtime.awaitFinished(60, TimeUnit.SECONDS)).isTrue();
            runner.join(10_000);
        }
    }

    private void start(Map<String, String> extra) {
        List<BusbarService> services = BusbarRuntime.discoverServices();
        // any free port for services that listen (the admin API): tests never use a fixed port
        Map<String, String> set = new java.util.HashMap<>(Map.of("busbar.data.dir", data.toString(),
                "busbar.durability", "os", "busbar.admin.listener", "127.0.0.1:0",
                "busbar.kafka.listener", "127.0.0.1:0"));
        set.putAll(TestBackend.current().runtimeSettings(data));
        set.putAll(extra);
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(services), Map.of(), "test",
                Map.of(), set);
        runtime = new BusbarRuntime(settings, PipelineFiles.of(List.of(pipelines)), services, "test", summaries::add);
        runner = new Thread(() -> {
            try {
                runtime.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "busbar-runtime-test");
        runner.start();
    }

    private void stopAndWait() throws Exception {
        runtime.stop();
        assertThat(runtime.awaitFinished(60, TimeUnit.SECONDS)).isTrue();
        runner.join(10_000);
        runtime = null;
        assertThat(failure.get()).isNull();
    }

    @Test
    void runsAJavaDslRouteCompiledFromItsSourceFile() throws Exception {
        Files.writeString(pipelines.resolve("Greeter.java"), """
                import org.apache.camel.builder.RouteBuilder;

                public class Greeter extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("timer:greet?repeatCount=1").routeId("greeter")
                            .setBody(constant("hello from java"))
                            .to("bus:greetings");
                        from("bus:greetings?groupId=writer").routeId("writer")
                            .to("file:%s?fileName=greeting.txt");
                    }
                }
                """.formatted(out.toString().replace("\\", "/")));

        start(Map.of());

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out.resolve("greeting.txt")));
        assertThat(Files.readString(out.resolve("greeting.txt"))).isEqualTo("hello from java");
    }

    @Test
    void reloadsAnEditedYamlPipelineWithoutARestart() throws Exception {
        Path file = pipelines.resolve("ticks.yaml");
        Files.writeString(file, ticks("v1"));
        start(Map.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out.resolve("v1.txt")));

        Files.writeString(file, ticks("v2"));

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out.resolve("v2.txt")));
        assertThat(failure.get()).isNull();
    }

    @Test
    void appSettingsFillPlaceholdersInPipelines() throws Exception {
        Files.writeString(pipelines.resolve("greeting.yaml"), """
                - route:
                    from:
                      uri: "timer:once?repeatCount=1"
                      steps:
                        - setBody:
                            constant: "{{app.greeting}}"
                        - to: "file:%s?fileName={{app.file}}"
                """.formatted(out.toString().replace("\\", "/")));
        start(Map.of("app.greeting", "hello from busbar.properties", "app.file", "greeting.txt"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(out.resolve("greeting.txt")));
        assertThat(Files.readString(out.resolve("greeting.txt"))).isEqualTo("hello from busbar.properties");
    }

    private String ticks(String version) {
        return """
                - route:
                    id: ticker
                    from:
                      uri: "timer:tick?period=200"
                      steps:
                        - setBody:
                            constant: "%s"
                        - to: "bus:ticks"
                - route:
                    id: tick-writer
                    from:
                      uri: "bus:ticks?groupId=writer"
                      steps:
                        - convertBodyTo: String
                        - to: "file:%s?fileName=${body}.txt"
                """.formatted(version, out.toString().replace("\\", "/"));
    }

    @Test
    void startsServicesOnTheOpenBusAndStopsThemBeforeItClosesAndPrintsASummary() throws Exception {
        Files.writeString(pipelines.resolve("idle.yaml"), """
                - route:
                    id: idle
                    from:
                      uri: "bus:nothing?groupId=idle"
                      steps:
                        - to: "bus:nowhere"
                """);
        start(Map.of("busbar.recording.label", "svc-1"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !summaries.isEmpty());

        stopAndWait();

        assertThat(RecordingService.EVENTS).containsExactly("start svc-1", "stop svc-1");
        String summary = summaries.get(0);
        assertThat(summary).contains(data.toAbsolutePath().normalize().toString())
                .contains("idle: bus://nothing")
                .contains("recording test://svc-1")
                .contains("idle.yaml")
                .contains("watching " + pipelines);
        try (Bus bus = TestBackend.current().open(data);
             BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
            TopicPartition p = new TopicPartition("service-events", 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            List<ConsumedRecord> events = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                events.addAll(consumer.poll(Duration.ofMillis(100)));
                return events.size() >= 2;
            });
            assertThat(events).extracting(ConsumedRecord::valueAsString).containsExactly("started", "stopping");
        }
    }
}
