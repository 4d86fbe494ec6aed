package io.busbar.routes.pipelinetest;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Header;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarService;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.PipelineFiles;
import io.busbar.routes.ServiceContext;
import io.busbar.routes.validate.PipelineValidator;
import io.busbar.routes.validate.Problem;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Runs one {@link PipelineTest} the way {@code busbar run} runs pipelines — the same settings, checks and
 * {@link BusbarRuntime} — on a fresh embedded bus in the test's temporary directory, with the Kafka and admin listeners
 * off and hot reload off. Order: start the HTTP stubs, write the given files and SQL, start the runtime, send the
 * given records and HTTP requests, then check the expectations until they hold or the timeout passes, stop, clean up.
 */
public final class PipelineTestRunner {
    /** Settings every test gets (before its own): a private bus, no listeners, no reload, no idle stop. */
    private static final Map<String, String> TEST_DEFAULTS = Map.of(
            "busbar.kafka.enabled", "false",
            "busbar.admin.enabled", "false",
            "busbar.reload.enabled", "false",
            "camel.main.durationMaxIdleSeconds", "0",
            "camel.main.durationMaxSeconds", "0",
            "camel.main.durationMaxMessages", "0");

    /** The settings of a config file and overrides, checked as {@code busbar run} checks them. */
    private final BiFunction<Path, Map<String, String>, BusbarSettings> settingsReader;
    private final String version;

    public PipelineTestRunner(BiFunction<Path, Map<String, String>, BusbarSettings> settingsReader, String version) {
        this.settingsReader = settingsReader;
        this.version = version;
    }

    public PipelineTestResult run(PipelineTest test) {
        ClassLoader caller = Thread.currentThread().getContextClassLoader();
        try {
            return runWithPlugins(test);
        } finally {
            Thread.currentThread().setContextClassLoader(caller); // each test file loads its own plugins
        }
    }

    private PipelineTestResult runWithPlugins(PipelineTest test) {
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        try (StubServers stubs = new StubServers()) {
            Map<String, String> overrides = new LinkedHashMap<>(TEST_DEFAULTS);
            overrides.put("busbar.data.dir", test.tmp().resolve("data").toString());
            overrides.putAll(test.settings());
            overrides.putAll(stubs.start(test.given().path("stubs")));
            BusbarSettings settings = settingsReader.apply(test.config(), overrides);
            io.busbar.routes.Plugins.install(settings);
            PipelineFiles pipelines = PipelineFiles.of(test.pipelines());
            List<Problem> problems = new PipelineValidator(Thread.currentThread().getContextClassLoader(),
                    settings.camelProperties().keySet()).validate(pipelines.files(), List.of());
            if (!problems.isEmpty()) {
                problems.forEach(p -> failures.add(p.toString()));
                return result(test, failures, start);
            }
            writeFiles(test.given().path("files"));
            runSql(test.given().path("sql"));
            runPipelines(test, settings, pipelines, stubs, failures);
        } catch (RuntimeException | IOException | SQLException e) {
            failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted");
        } finally {
            deleteQuietly(test.tmp());
        }
        return result(test, failures, start);
    }

    private void runPipelines(PipelineTest test, BusbarSettings settings, PipelineFiles pipelines, StubServers stubs,
                              List<String> failures) throws InterruptedException, IOException {
        BusProbe probe = new BusProbe();
        List<BusbarService> services = new ArrayList<>(BusbarRuntime.discoverServices());
        services.add(probe);
        CountDownLatch started = new CountDownLatch(1);
        BusbarRuntime runtime = new BusbarRuntime(settings, pipelines, services, version, summary -> started.countDown());
        AtomicReference<Throwable> crashed = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                runtime.run();
            } catch (Throwable e) {
                crashed.set(e);
            } finally {
                started.countDown();
            }
        }, "busbar-test-" + test.name());
        thread.start();
        try {
            started.await(60, TimeUnit.SECONDS);
            if (crashed.get() != null || probe.bus == null || !thread.isAlive()) {
                failures.add("the pipelines did not start: " + (crashed.get() == null ? "the runtime stopped"
                        : crashed.get() + causes(crashed.get())));
                return;
            }
            sendRecords(probe.bus, test.given().path("records"));
            sendHttp(test.given().path("http"), failures);
            Expectations expectations = new Expectations(test.expect(), probe.bus, stubs);
            long deadline = System.nanoTime() + test.timeout().toNanos();
            List<String> last;
            do {
                last = expectations.failures();
                if (last.isEmpty()) {
                    break;
                }
                Thread.sleep(100);
            } while (System.nanoTime() < deadline);
            if (!last.isEmpty()) {
                failures.add("after " + test.timeout().toMillis() + " ms:");
                failures.addAll(last);
            }
        } finally {
            runtime.stop();
            if (!runtime.awaitFinished(60, TimeUnit.SECONDS)) {
                failures.add("the runtime did not stop within 60 s");
            }
        }
    }

    private static void sendRecords(Bus bus, JsonNode records) {
        for (JsonNode r : records) {
            String topic = Expectations.required(r, "topic");
            JsonNode value = r.get("value");
            String text = value == null || value.isNull() ? null : value.isTextual() ? value.asText() : value.toString();
            List<Header> headers = new ArrayList<>();
            r.path("headers").fields().forEachRemaining(h -> headers.add(Header.of(h.getKey(), h.getValue().asText())));
            BusRecord record = BusRecord.of(r.hasNonNull("key") ? r.get("key").asText() : null, text).withHeaders(headers);
            bus.producer().send(topic, record).join();
        }
    }

    private static void writeFiles(JsonNode files) throws IOException {
        for (JsonNode f : files) {
            Path path = Path.of(Expectations.required(f, "path"));
            Files.createDirectories(path.getParent());
            // written beside and renamed, so a watching file source never sees half a file
            Path tmp = path.resolveSibling("." + path.getFileName() + ".writing");
            Files.writeString(tmp, f.path("content").asText(""));
            Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void runSql(JsonNode sql) throws SQLException {
        for (JsonNode s : sql) {
            try (Connection c = DriverManager.getConnection(Expectations.required(s, "jdbcUrl"),
                    s.path("user").asText(""), s.path("password").asText(""));
                 Statement st = c.createStatement()) {
                for (JsonNode statement : s.path("statements")) {
                    st.execute(statement.asText());
                }
            }
        }
    }

    private static void sendHttp(JsonNode requests, List<String> failures) throws IOException, InterruptedException {
        if (requests.isEmpty()) {
            return;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (JsonNode r : requests) {
            JsonNode body = r.get("body");
            String text = body == null ? "" : body.isTextual() ? body.asText() : body.toString();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Expectations.required(r, "url")))
                    .timeout(Duration.ofSeconds(10))
                    .method(r.path("method").asText("POST"), HttpRequest.BodyPublishers.ofString(text));
            r.path("headers").fields().forEachRemaining(h -> request.header(h.getKey(), h.getValue().asText()));
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int expected = r.path("status").asInt(-1);
            if (expected >= 0 && response.statusCode() != expected) {
                failures.add(r.path("method").asText("POST") + " " + r.get("url").asText() + ": expected status " + expected
                        + ", got " + response.statusCode() + " " + response.body());
            }
        }
    }

    /** The causes under {@code e}, each on its own line: Camel wraps what the user must fix several levels down. */
    private static String causes(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            out.append(System.lineSeparator()).append("        cause: ").append(c);
        }
        return out.toString();
    }

    private static PipelineTestResult result(PipelineTest test, List<String> failures, long start) {
        return new PipelineTestResult(test.file(), test.name(), List.copyOf(failures),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temporary directory left behind is harmless; the OS cleans /tmp
        }
    }

    /** Gives the runner the bus the runtime opened (the same one the pipelines use). */
    private static final class BusProbe implements BusbarService {
        volatile Bus bus;

        @Override
        public String name() {
            return "busbar-test";
        }

        @Override
        public void start(ServiceContext context) {
            bus = context.bus();
        }

        @Override
        public void stop() {
            bus = null;
        }
    }
}
