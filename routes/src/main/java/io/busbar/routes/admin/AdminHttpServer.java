package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The admin HTTP server (the JDK's {@code com.sun.net.httpserver}): {@code /api/**} (JSON, {@link AdminApi}),
 * {@code /metrics} (Prometheus), {@code /health}, {@code /ready}, {@code /openapi.yaml} and the console's files under
 * {@code /console/}. With a token, {@code /api/**} and {@code /metrics} require {@code Authorization: Bearer <token>}.
 * Requests run on a small pool of daemon threads; the server is thread-safe.
 */
final class AdminHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    private static final long MAX_BODY_BYTES = 64L * 1024 * 1024;
    private static final Map<String, String> CONTENT_TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "yaml", "application/yaml; charset=utf-8");

    private final AdminApi api;
    private final PrometheusMeterRegistry registry;
    private final Supplier<String> readiness;
    private final byte[] token;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param readiness null when ready, else why not (answered by /ready with 503)
     * @param token     the bearer token, or null for none
     */
    AdminHttpServer(AdminApi api, PrometheusMeterRegistry registry, Supplier<String> readiness, String token) {
        this.api = api;
        this.registry = registry;
        this.readiness = readiness;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    InetSocketAddress start(InetSocketAddress address) throws IOException {
        server = HttpServer.create(address, 64);
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "busbar-admin-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress();
    }

    void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (InvalidRequestException e) {
            writeJson(exchange, AdminApi.error(400, e.getMessage()));
        } catch (RuntimeException | IOException e) {
            LOG.warn("Admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            throw e;
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/health")) {
            writeJson(exchange, ApiResponse.ok(Map.of("status", "UP")));
        } else if (path.equals("/ready")) {
            String notReady = readiness.get();
            writeJson(exchange, notReady == null ? ApiResponse.ok(Map.of("status", "READY"))
                    : new ApiResponse(503, Map.of("status", "NOT_READY", "reason", notReady)));
        } else if (path.equals("/openapi.yaml")) {
            writeResource(exchange, "io/busbar/routes/admin/openapi.yaml");
        } else if (path.equals("/") || path.equals("/console")) {
            exchange.getResponseHeaders().add("Location", "/console/");
            exchange.sendResponseHeaders(302, -1);
        } else if (path.startsWith("/console/")) {
            String file = path.substring("/console/".length());
            writeResource(exchange, "console/" + (file.isEmpty() ? "index.html" : file));
        } else if (!authorized(exchange)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"busbar\"");
            writeJson(exchange, AdminApi.error(401, "Missing or wrong token: send 'Authorization: Bearer <token>'"
                    + " with the value of busbar.admin.token (CLI: --token or BUSBAR_ADMIN_TOKEN)"));
        } else if (path.equals("/metrics")) {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } else if (path.startsWith("/api/")) {
            writeJson(exchange, api.handle(ApiRequest.of(exchange.getRequestMethod(), path,
                    query(exchange.getRequestURI().getRawQuery()), body(exchange))));
        } else {
            writeJson(exchange, AdminApi.error(404, "No such path " + path
                    + ": the console is at /console/, the API under /api/ (see /openapi.yaml)"));
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (token == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes((int) MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new InvalidRequestException("Request body is larger than " + MAX_BODY_BYTES
                        + " bytes: send the records in several requests");
            }
            if (bytes.length == 0) {
                return null;
            }
            try {
                return Json.MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw new InvalidRequestException("Request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static void writeJson(HttpExchange exchange, ApiResponse response) throws IOException {
        if (response.body() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void writeResource(HttpExchange exchange, String resource) throws IOException {
        if (resource.contains("..")) {
            writeJson(exchange, AdminApi.error(400, "Path must not contain '..'"));
            return;
        }
        try (InputStream in = AdminHttpServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                writeJson(exchange, AdminApi.error(404, "No such file " + exchange.getRequestURI().getPath()));
                return;
            }
            byte[] body = in.readAllBytes();
            String ext = resource.substring(resource.lastIndexOf('.') + 1);
            exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPES.getOrDefault(ext, "application/octet-stream"));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
