package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page of a headless Chromium driven over the Chrome DevTools protocol, with the JDK's WebSocket client (no
 * driver download): open a URL, evaluate JavaScript in it (e.g. click a button). Calls from one test thread; replies
 * arrive on the WebSocket's thread and complete per-call futures.
 */
final class DevToolsPage implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");

    private final Process process;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private DevToolsPage(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    static DevToolsPage open(Path chromium, Path profile, String url) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,860", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, url));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                port.completeExceptionally(e);
            }
        }, "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String list = "http://127.0.0.1:" + port.get(60, TimeUnit.SECONDS) + "/json/list";
            String ws = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (ws == null && System.currentTimeMillis() < deadline) {
                for (JsonNode target : Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(list)).build(),
                        HttpResponse.BodyHandlers.ofString()).body())) {
                    if (target.path("type").asText().equals("page")) {
                        ws = target.path("webSocketDebuggerUrl").asText();
                    }
                }
            }
            if (ws == null) {
                throw new AssertionError("chromium shows no page target at " + list);
            }
            DevToolsPage[] self = new DevToolsPage[1];
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        self[0].reply(text.toString());
                        text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            self[0] = new DevToolsPage(process, socket);
            return self[0];
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private void reply(String message) {
        try {
            JsonNode json = Json.MAPPER.readTree(message);
            CompletableFuture<JsonNode> f = json.has("id") ? pending.remove(json.get("id").asInt()) : null;
            if (f != null) {
                f.complete(json);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("DevTools sent non-JSON: " + message, e);
        }
    }

    /** Evaluates a JavaScript expression in the page; returns its value as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode call = Json.MAPPER.createObjectNode().put("id", id).put("method", "Runtime.evaluate");
        call.putObject("params").put("expression", expression).put("returnByValue", true).put("awaitPromise", true);
        socket.sendText(call.toString(), true).get(30, TimeUnit.SECONDS);
        JsonNode result = answer.get(30, TimeUnit.SECONDS);
        if (result.path("result").has("exceptionDetails")) {
            throw new AssertionError("JavaScript failed: " + result.path("result").path("exceptionDetails"));
        }
        return result.path("result").path("result").path("value");
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
