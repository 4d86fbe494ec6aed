package io.busbar.routes.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.connectors.http.server.Scope;
import io.busbar.connectors.http.server.TokenStore;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarService;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ServiceContext;
import io.busbar.routes.admin.AdminService;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one router of every HTTP endpoint, over real loopback HTTP: the admin API, console, metrics, ingest and read
 * API served together on one free port (both services name the same address), with hashed tokens of different
 * scopes. One table of requests and the status each must get; every error must be RFC 9457 problem details.
 */
class HttpRouterMatrixTest {

    @TempDir
    static Path dir;

    static Bus bus;
    static List<BusbarService> services = new ArrayList<>();
    static String url;
    static TokenStore tokens;
    static String admin;
    static String reader;
    static String writer;
    static String metrics;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        tokens = TokenStore.open(HttpListeners.defaultTokenStore(data));
        admin = tokens.add("ops", List.of(Scope.ADMIN)).token();
        reader = tokens.add("reader", List.of(Scope.parse("read:orders.*"))).token();
        writer = tokens.add("writer", List.of(Scope.parse("write:orders.in"))).token();
        metrics = tokens.add("prometheus", List.of(Scope.METRICS)).token();
        bus = Bus.open(BusConfig.builder(data).build());
        bus.admin().createTopic("orders.in", 1, Map.of());
        bus.admin().createTopic("secret", 1, Map.of());
        String listener = "127.0.0.1:" + AvailablePortFinder.getNextAvailable();
        services.add(new AdminService());
        services.add(new HttpListenerService());
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(services), Map.of(), "test", Map.of(),
                Map.of("busbar.data.dir", data.toString(), "busbar.admin.listener", listener,
                        "busbar.http.enabled", "true", "busbar.http.listener", listener));
        ServiceContext context = new ServiceContext(bus, settings);
        for (BusbarService s : services) {
            s.start(context);
        }
        url = "http://" + listener;
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stop();
        }
        bus.close();
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One row: a request, the status it must get and, for errors, the problem type and the scope named (or null). */
    private record Row(String method, String path, String token, String body, int status, String problem, String scope) {
        @Override
        public String toString() {
            return method + " " + path + " with " + (token == null ? "no token" : token.substring(0, 8) + "...");
        }
    }

    @Test
    void everyEndpointAnswersItsStatusAndEveryErrorIsProblemDetails() throws Exception {
        List<Row> rows = List.of(
                // open endpoints
                new Row("GET", "/health", null, null, 200, null, null),
                new Row("GET", "/ready", null, null, 503, null, null), // no pipelines loaded: a status, not an error
                new Row("GET", "/console/", null, null, 200, null, null),
                new Row("GET", "/openapi.yaml", null, null, 200, null, null),
                // 401: no token, an unknown token, a token that is not ours at all
                new Row("GET", "/api/topics", null, null, 401, "unauthorized", null),
                new Row("GET", "/api/topics", "bbt_0123456789abcdef_" + "A".repeat(43), null, 401, "unauthorized", null),
                new Row("GET", "/metrics", "guess", null, 401, "unauthorized", null),
                new Row("POST", "/topics/orders.in", null, "{\"n\":1}", 401, "unauthorized", null),
                // 403: a valid token without the scope, naming the scope
                new Row("GET", "/api/topics", reader, null, 403, "forbidden", "admin"),
                new Row("GET", "/metrics", reader, null, 403, "forbidden", "metrics"),
                new Row("POST", "/topics/orders.in", reader, "{\"n\":1}", 403, "forbidden", "write:orders.in"),
                new Row("POST", "/topics/orders.other", writer, "{\"n\":1}", 403, "forbidden", "write:orders.other"),
                new Row("GET", "/topics/orders.in/partitions/0/records", writer, null, 403, "forbidden", "read:orders.in"),
                new Row("GET", "/topics/secret/partitions/0/records", reader, null, 403, "forbidden", "read:secret"),
                new Row("GET", "/topics", writer, null, 403, "forbidden", "read:<any topic>"),
                new Row("POST", "/api/topics/secret/records", writer, "{\"records\":[{\"value\":1}]}", 403, "forbidden", "write:secret"),
                // allowed
                new Row("GET", "/api/topics", admin, null, 200, null, null),
                new Row("GET", "/metrics", metrics, null, 200, null, null),
                new Row("GET", "/metrics", admin, null, 200, null, null),
                new Row("POST", "/topics/orders.in", writer, "{\"n\":1}", 200, null, null),
                new Row("GET", "/topics/orders.in/partitions/0/records", reader, null, 200, null, null),
                new Row("GET", "/api/topics/orders.in/records?from=earliest", reader, null, 200, null, null),
                new Row("GET", "/topics/secret/partitions/0/records", admin, null, 200, null, null),
                // 404 and 405, with or without a token (the route table is public: /openapi.yaml)
                new Row("GET", "/api/nothing-here", admin, null, 404, "not_found", null),
                new Row("GET", "/nothing-here", null, null, 404, "not_found", null),
                new Row("GET", "/api/topics/nope", admin, null, 404, "unknown_topic", null),
                new Row("GET", "/topics/nope", reader, null, 403, "forbidden", "read:nope"),
                new Row("PUT", "/api/topics", admin, "{}", 405, "method_not_allowed", null),
                new Row("DELETE", "/topics/orders.in", admin, null, 405, "method_not_allowed", null),
                // failures of the operation itself
                new Row("POST", "/api/topics", admin, "{\"name\": 5}", 400, "bad_request", null),
                new Row("POST", "/api/topics", admin, "{\"name\": \"orders.in\"}", 409, "conflict", null),
                new Row("GET", "/api/pipelines", admin, null, 503, "unavailable", null));
        List<String> failures = new ArrayList<>();
        for (Row row : rows) {
            HttpResponse<String> r = send(row.method(), row.path(), row.token(), row.body());
            if (r.statusCode() != row.status()) {
                failures.add(row + ": expected " + row.status() + " but got " + r.statusCode() + " " + r.body());
                continue;
            }
            if (row.problem() != null) {
                checkProblem(row, r, failures);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static void checkProblem(Row row, HttpResponse<String> r, List<String> failures) throws Exception {
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        if (!contentType.startsWith("application/problem+json")) {
            failures.add(row + ": content type " + contentType);
        }
        JsonNode p = JSON.readTree(r.body());
        Set<String> members = new TreeSet<>();
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            members.add(it.next());
        }
        members.removeAll(Set.of("scope", "allow")); // the extension members of 403 and 405
        if (!members.equals(Set.of("type", "title", "status", "detail", "instance"))) {
            failures.add(row + ": members " + members);
        }
        if (!p.path("type").asText().equals("urn:busbar:problem:" + row.problem()) || p.path("status").asInt() != row.status()
                || p.path("title").asText().isBlank() || p.path("detail").asText().isBlank()
                || !p.path("instance").asText().equals(row.path().replaceAll("\\?.*", ""))) {
            failures.add(row + ": problem " + p);
        }
        if (row.scope() != null && (!p.path("scope").asText().equals(row.scope()) || !p.path("detail").asText().contains(row.scope()))) {
            failures.add(row + ": scope not named: " + p);
        }
        if (row.status() == 401 && r.headers().firstValue("WWW-Authenticate").isEmpty()) {
            failures.add(row + ": no WWW-Authenticate");
        }
        if (row.status() == 405 && r.headers().firstValue("Allow").isEmpty()) {
            failures.add(row + ": no Allow header");
        }
    }

    @Test
    void aTopicListShowsOnlyWhatTheTokenMayRead() throws Exception {
        JsonNode listed = JSON.readTree(send("GET", "/topics", reader, null).body());
        List<String> names = new ArrayList<>();
        listed.forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).contains("orders.in").doesNotContain("secret");
        assertThat(send("GET", "/topics", admin, null).body()).contains("\"secret\"");
    }

    @Test
    void tokensAddedOrDeletedWhileRunningTakeEffectWithinSeconds() throws Exception {
        String late = tokens.add("late", List.of(Scope.ADMIN)).token();
        await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/groups", late, null).statusCode() == 200);
        assertThat(tokens.delete("late")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/groups", late, null).statusCode() == 401);
    }

    @Test
    void theTokenStoreHoldsNoSecret() throws Exception {
        String file = Files.readString(tokens.file());
        // A token is bbt_<16 hex id>_<secret>; the base64url secret may itself hold '_', so cut at the fixed place.
        String secret = admin.substring("bbt_".length() + 16 + 1);
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
        assertThat(file).contains("ops").doesNotContain(secret);
    }
}
