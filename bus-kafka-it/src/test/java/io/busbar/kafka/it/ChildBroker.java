package io.busbar.kafka.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Busbar broker ({@code io.busbar.kafka.BusbarBroker}) in a child JVM with bus-kafka's class path, listening on a
 * free loopback port. This JVM holds kafka-clients 4.x; the child holds 3.9.1.
 */
final class ChildBroker implements AutoCloseable {

    private final Process process;
    private final String bootstrap;

    private ChildBroker(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    static ChildBroker start(Path dataDir) throws Exception {
        return start(dataDir, 0);
    }

    /** On a given port (0 = a free one): a restarted broker keeps its clients' bootstrap address. */
    static ChildBroker start(Path dataDir, int port) throws Exception {
        String classes = System.getProperty("busbar.broker.classes");
        Path cpFile = Path.of(System.getProperty("busbar.broker.classpath.file"));
        if (!Files.exists(cpFile)) {
            throw new IllegalStateException(cpFile + " is missing: build bus-kafka first (mvn -pl bus-kafka-it -am test)");
        }
        String classpath = classes + java.io.File.pathSeparator + Files.readString(cpFile).trim();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", classpath, "io.busbar.kafka.BusbarBroker",
                "--data-dir", dataDir.toString(), "--listener", "127.0.0.1:" + port))
                .redirectErrorStream(true).start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[broker] " + line);
                    if (line.startsWith("BUSBAR_KAFKA_LISTENING ")) {
                        listening.complete(line.substring("BUSBAR_KAFKA_LISTENING ".length()).trim());
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            // a no-op once listening (the stream also ends when the broker is killed later)
            listening.completeExceptionally(new IllegalStateException("broker exited before listening; see the [broker] lines above"));
        }, "child-broker-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new ChildBroker(p, listening.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    /** SIGKILL: no shutdown hook, no flush, no clean-shutdown marker. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: the broker closes the listener and the bus cleanly
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
