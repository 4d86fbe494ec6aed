package io.busbar.connectors.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server (the JDK's, on a free loopback port) that answers each request with the next scripted
 * behaviour — a status, a status with {@code Retry-After}, a hang past the client's timeout, or a dropped
 * connection — and 200 once the script is used up. Records every request it received. Thread-safe.
 */
final class ScriptedHttpServer implements AutoCloseable {

    /** One scripted answer. */
    sealed interface Answer { }
    record Status(int code, String body, String retryAfter) implements Answer { }
    record Hang(long millis) implements Answer { }
    record Drop() implements Answer { }

    /** A request as received. */
    record Received(String method, String path, String body, String contentType, String key, String custom, int answered) { }

    private final HttpServer server;
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    final List<Received> received = new CopyOnWriteArrayList<>();

    ScriptedHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    void script(Answer... answers) {
        script.addAll(List.of(answers));
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests answered 2xx. */
    List<Received> delivered() {
        return received.stream().filter(r -> r.answered() >= 200 && r.answered() < 300).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Answer answer = script.poll();
        if (answer == null) {
            answer = new Status(200, "{\"ok\":true}", null);
        }
        int code = answer instanceof Status s ? s.code() : -1;
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body,
                exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("X-Record-Key"),
                exchange.getRequestHeaders().getFirst("X-Custom"), code));
        if (answer instanceof Drop) {
            exchange.close(); // no status line: the client sees the connection end
        } else if (answer instanceof Hang h) {
            try {
                Thread.sleep(h.millis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        } else if (answer instanceof Status s) {
            byte[] bytes = s.body().getBytes(StandardCharsets.UTF_8);
            if (s.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", s.retryAfter());
            }
            exchange.sendResponseHeaders(s.code(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
