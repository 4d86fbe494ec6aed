package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.connectors.http.server.Access;
import io.busbar.connectors.http.server.HttpProblem;
import io.busbar.connectors.http.server.HttpRequestRejectedException;
import io.busbar.connectors.http.server.HttpRouter;
import io.busbar.connectors.http.server.RouterProcessor;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin listener's routes: the {@link AdminApi} under {@code /api/**} (JSON), {@code /metrics} (Prometheus, scope
 * {@code metrics}), and, open to all so that probes and the console's login form work, {@code /health},
 * {@code /ready}, {@code /openapi.yaml} and the console's files under {@code /console/}. Each admin operation runs on
 * the listener's worker threads (never on Netty's event loop). Stateless once built; thread-safe.
 */
final class AdminRoutes {

    /** The admin API's request bodies are bounded here, as they were by the former server. */
    static final long MAX_BODY_BYTES = 64L * 1024 * 1024;
    private static final Map<String, String> CONTENT_TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "yaml", "application/yaml; charset=utf-8");

    private AdminRoutes() {
    }

    /** Every admin route; {@code readiness} answers null when ready, else why not. */
    static HttpRouter<AsyncProcessor> of(AdminApi api, PrometheusMeterRegistry registry, Supplier<String> readiness) {
        HttpRouter<AsyncProcessor> routes = new HttpRouter<>();
        routes.add("GET", "/health", Access.open(), handler(e -> json(e, ApiResponse.ok(Map.of("status", "UP")))));
        routes.add("GET", "/ready", Access.open(), handler(e -> {
            String notReady = readiness.get();
            json(e, notReady == null ? ApiResponse.ok(Map.of("status", "READY"))
                    : new ApiResponse(503, Map.of("status", "NOT_READY", "reason", notReady)));
        }));
        routes.add("GET", "/openapi.yaml", Access.open(), handler(e -> resource(e, "io/busbar/routes/admin/openapi.yaml")));
        routes.add("GET", "/", Access.open(), handler(e -> redirect(e, "/console/")));
        routes.add("GET", "/console", Access.open(), handler(e -> redirect(e, "/console/")));
        routes.add("GET", "/console/", Access.open(), handler(e -> resource(e, "console/index.html")));
        routes.add("GET", "/console/{file}", Access.open(),
                handler(e -> resource(e, "console/" + RouterProcessor.pathParam(e, "file"))));
        routes.add("GET", "/metrics", Access.metrics(), handler(e -> {
            Message out = e.getMessage();
            out.getHeaders().clear();
            out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            out.setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            out.setBody(registry.scrape());
        }));
        for (HttpRouter.Route<Function<ApiRequest, ApiResponse>> r : api.routes()) {
            routes.add(r.method(), r.pattern(), r.access(), handler(e -> json(e, AdminApi.invoke(r.handler(), request(e)))));
        }
        return routes;
    }

    private static AsyncProcessor handler(Processor p) {
        return RouterProcessor.handler(p);
    }

    @SuppressWarnings("unchecked")
    private static ApiRequest request(Exchange e) {
        Message in = e.getIn();
        Map<String, String> params = e.getProperty(RouterProcessor.PATH_PARAMS, Map.class);
        return new ApiRequest(in.getHeader(Exchange.HTTP_METHOD, String.class), RouterProcessor.path(e),
                query(in.getHeader(Exchange.HTTP_QUERY, String.class)), body(in), params == null ? Map.of() : params);
    }

    private static JsonNode body(Message in) {
        byte[] bytes = in.getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new InvalidRequestException("Request body is larger than " + MAX_BODY_BYTES
                    + " bytes: send the records in several requests");
        }
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException ex) {
            throw new InvalidRequestException("Request body is not valid JSON: " + ex.getMessage().lines().findFirst().orElse(""));
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

    private static void json(Exchange e, ApiResponse response) throws IOException {
        Message out = e.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
        if (response.body() == null) {
            out.setBody(null);
            return;
        }
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("Cache-Control", "no-store");
        out.setBody(Json.MAPPER.writeValueAsBytes(response.body()));
    }

    private static void redirect(Exchange e, String location) {
        Message out = e.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        out.setHeader("Location", location);
        out.setBody(null);
    }

    private static void resource(Exchange e, String resource) throws IOException {
        if (resource.contains("..")) {
            throw new InvalidRequestException("Path must not contain '..'");
        }
        try (InputStream in = AdminRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new HttpRequestRejectedException(HttpProblem.NOT_FOUND, "No such file " + RouterProcessor.path(e)
                        + ": the console is at /console/, the API under /api/ (see /openapi.yaml)");
            }
            String ext = resource.substring(resource.lastIndexOf('.') + 1);
            Message out = e.getMessage();
            out.getHeaders().clear();
            out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            out.setHeader(Exchange.CONTENT_TYPE, CONTENT_TYPES.getOrDefault(ext, "application/octet-stream"));
            out.setBody(in.readAllBytes());
        }
    }
}
