package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.TestBackend;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarService;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.PipelineFiles;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * A real runtime in this JVM for tests: pipelines written to {@code dir/pipelines}, the bus on {@code dir/data}, the
 * admin service on a free loopback port, and a small HTTP client for its API.
 */
public final class RunningBusbar implements AutoCloseable {

    /** A generator, a group that copies orders to invoices, and a pipeline that dead-letters "bad" payments. */
    public static final Map<String, String> SAMPLE_PIPELINES = Map.of(
            "generator.yaml", """
                    - route:
                        id: generator
                        from:
                          uri: timer:orders
                          parameters: {period: 100, includeMetadata: true}
                          steps:
                            - setBody:
                                simple: '{"orderId": ${header.CamelTimerCounter}}'
                            - to:
                                uri: bus:orders
                                parameters: {partitions: 2}
                    """,
            "billing.yaml", """
                    - route:
                        id: billing
                        from:
                          uri: bus:orders
                          parameters: {groupId: billing}
                          steps:
                            - setBody:
                                simple: 'invoice for ${body}'
                            - to: bus:invoices
                    """,
            "payments.yaml", """
                    - route:
                        id: payments
                        from:
                          uri: bus:payments
                          parameters: {groupId: payer, maximumRedeliveries: 0}
                          steps:
                            - filter:
                                simple: "${body} contains 'bad'"
                                steps:
                                  - throwException:
                                      exceptionType: java.lang.IllegalArgumentException
                                      message: rejected payment
                            - to: bus:paid
                    """);

    private final BusbarRuntime runtime;
    private final Thread runner;
    private final AdminService admin;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String token;

    private RunningBusbar(BusbarRuntime runtime, Thread runner, AdminService admin, Path dataDir) {
        this.runtime = runtime;
        this.runner = runner;
        this.admin = admin;
        this.dataDir = dataDir;
    }

    public static RunningBusbar start(Path dir, Map<String, String> pipelines, Map<String, String> extraSettings)
            throws IOException {
        Path pipelineDir = Files.createDirectories(dir.resolve("pipelines"));
        for (Map.Entry<String, String> e : pipelines.entrySet()) {
            Files.writeString(pipelineDir.resolve(e.getKey()), e.getValue());
        }
        Path data = dir.resolve("data");
        List<BusbarService> services = BusbarRuntime.discoverServices();
        Map<String, String> set = new HashMap<>(Map.of("busbar.data.dir", data.toString(), "busbar.durability", "os",
                "busbar.reload.enabled", "false", "busbar.admin.listener", "127.0.0.1:0", "busbar.kafka.listener", "127.0.0.1:0",
                "busbar.admin.metrics.interval.ms", "200"));
        set.putAll(TestBackend.current().runtimeSettings(data));
        set.putAll(extraSettings);
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(services), Map.of(), "test",
                Map.of(), set);
        BusbarRuntime runtime = new BusbarRuntime(settings, PipelineFiles.of(List.of(pipelineDir)), services, "test",
                summary -> { });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                runtime.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "busbar-under-test");
        runner.start();
        AdminService admin = services.stream().filter(AdminService.class::isInstance).map(AdminService.class::cast)
                .findFirst().orElseThrow();
        RunningBusbar running = new RunningBusbar(runtime, runner, admin, data);
        running.token = extraSettings.get("busbar.admin.token");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (failure.get() != null) {
                throw new AssertionError("runtime failed to start", failure.get());
            }
            return admin.address() != null && running.status("GET", "/ready") == 200;
        });
        return running;
    }

    public String url() {
        return "http://127.0.0.1:" + admin.address().getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public AdminService admin() {
        return admin;
    }

    /** The status of a request without a body. */
    public int status(String method, String path) throws IOException, InterruptedException {
        return send(method, path, null).statusCode();
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return json(send("GET", path, null), 200);
    }

    public JsonNode post(String path, String body) throws IOException, InterruptedException {
        return json(send("POST", path, body), 200);
    }

    public HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int expected) throws IOException {
        if (response.statusCode() != expected) {
            throw new AssertionError("Expected " + expected + " from " + response.request().uri() + " but got "
                    + response.statusCode() + ": " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    @Override
    public void close() throws Exception {
        runtime.stop();
        if (!runtime.awaitFinished(60, TimeUnit.SECONDS)) {
            throw new AssertionError("runtime did not stop within 60 s");
        }
        runner.join(10_000);
    }
}
