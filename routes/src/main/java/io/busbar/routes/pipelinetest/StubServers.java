package io.busbar.routes.pipelinetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * HTTP stubs a test starts for its pipelines to call ({@code given.stubs}): each listens on a free loopback port, puts
 * that port into the setting it names (so the pipeline's URL points at it), answers every request with its status
 * and records the calls for {@code expect.httpCalls}.
 */
final class StubServers implements AutoCloseable {
    /** A request a stub received. */
    record Call(String method, String path, String body) {
    }

    private final Map<String, List<Call>> calls = new LinkedHashMap<>();
    private final List<HttpServer> servers = new ArrayList<>();

    /** Starts the stubs of {@code specs}; returns the settings that point the pipelines at them. */
    Map<String, String> start(JsonNode specs) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (JsonNode spec : specs) {
            String name = Expectations.required(spec, "name");
            int status = spec.path("status").asInt(200);
            List<Call> received = new CopyOnWriteArrayList<>();
            calls.put(name, received);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body));
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
            servers.add(server);
            if (spec.has("portSetting")) {
                settings.put(spec.get("portSetting").asText(), Integer.toString(server.getAddress().getPort()));
            }
            if (spec.has("urlSetting")) {
                settings.put(spec.get("urlSetting").asText(), "http://127.0.0.1:" + server.getAddress().getPort()
                        + spec.path("path").asText("/"));
            }
        }
        return settings;
    }

    List<Call> calls(String stub) {
        List<Call> received = calls.get(stub);
        if (received == null) {
            throw new io.busbar.routes.InvalidSettingException("expect.httpCalls names stub '" + stub
                    + "', which given.stubs does not declare (declared: " + calls.keySet() + ")");
        }
        return received;
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
    }
}
