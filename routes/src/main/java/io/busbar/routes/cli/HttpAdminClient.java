package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.busbar.routes.admin.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** The admin API of a running runtime, over HTTP (java.net.http). */
final class HttpAdminClient implements AdminClient {

    private final String baseUrl;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    HttpAdminClient(String baseUrl, String token) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
    }

    @Override
    public JsonNode call(String method, String path, Map<String, String> query, JsonNode body) {
        String q = query == null || query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        URI uri = URI.create(baseUrl + path + q);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new AdminCallException(0, "Cannot reach Busbar at " + baseUrl + ": start it (busbar run), fix --url,"
                    + " or work on a stopped data directory with --data-dir");
        } catch (IOException e) {
            throw new AdminCallException(0, "Call to " + uri + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminCallException(0, "Interrupted while calling " + uri);
        }
        return parse(response);
    }

    private static JsonNode parse(HttpResponse<String> response) {
        JsonNode json;
        try {
            json = response.body().isEmpty() ? MissingNode.getInstance() : Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AdminCallException(response.statusCode(), "Answer of " + response.uri() + " is not JSON (HTTP "
                    + response.statusCode() + "): is --url the Busbar admin address?");
        }
        if (response.statusCode() >= 400) {
            throw new AdminCallException(response.statusCode(), json.path("detail").asText("HTTP " + response.statusCode()));
        }
        return json;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String target() {
        return baseUrl;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient holds no resource we must release on Java 17
    }
}
