package io.busbar.kafka;

import io.busbar.bus.BusConfig;
import io.busbar.bus.Durability;
import io.busbar.bus.embedded.EmbeddedBus;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A standalone Busbar broker: an embedded bus plus its Kafka listener, nothing else. Used by tests that run Kafka
 * clients of another version in a child JVM, and by the benchmark.
 *
 * <pre>
 * java -cp ... io.busbar.kafka.BusbarBroker --data-dir /tmp/bus --listener 127.0.0.1:9092 [--advertised-listener h:p]
 *      [--durability fsync|interval|os] [--config busbar-kafka.properties] [--scram-user NAME=PASSWORD_FILE]
 *      [--group-initial-rebalance-delay-ms MS] [--log-flush-threads N] [--log-preallocate-bytes N]
 *      [--log-journal true|false]
 * </pre>
 * {@code --scram-user} stores SCRAM-SHA-256 and SCRAM-SHA-512 credentials for NAME (password read from the file)
 * before starting, for tests and benchmarks.
 * {@code --config} gives further {@code busbar.kafka.*} settings (named listeners, TLS, SASL, ACLs, limits).
 * Prints {@code BUSBAR_KAFKA_LISTENING host:port} (the first listener) and {@code BUSBAR_KAFKA_LISTENER NAME host:port}
 * for each listener once it serves, and shuts down cleanly on SIGTERM.
 */
public final class BusbarBroker {

    private BusbarBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                System.err.println("Usage: BusbarBroker --data-dir DIR [--listener HOST:PORT] "
                        + "[--advertised-listener HOST:PORT] [--durability fsync|interval|os] [--config FILE]");
                System.exit(2);
            }
            opts.put(a.substring(2), args[++i]);
        }
        if (!opts.containsKey("data-dir")) {
            System.err.println("--data-dir is required: the directory holding the bus's topics");
            System.exit(2);
        }
        Map<String, String> props = new HashMap<>();
        if (opts.containsKey("config")) {
            java.util.Properties file = new java.util.Properties();
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(Path.of(opts.get("config")))) {
                file.load(r);
            } catch (java.io.IOException e) {
                System.err.println("Cannot read --config " + opts.get("config") + ": " + e.getMessage());
                System.exit(2);
            }
            file.stringPropertyNames().forEach(k -> props.put(k, file.getProperty(k)));
        }
        if (opts.containsKey("listener")) {
            props.put(KafkaListenerConfig.LISTENER, opts.get("listener"));
        }
        if (opts.containsKey("advertised-listener")) {
            props.put(KafkaListenerConfig.ADVERTISED_LISTENER, opts.get("advertised-listener"));
        }
        BusConfig.Builder bus = BusConfig.builder(Path.of(opts.get("data-dir")));
        if (opts.containsKey("durability")) {
            bus.durability(Durability.valueOf(opts.get("durability").toUpperCase(java.util.Locale.ROOT)));
        }
        if (opts.containsKey("group-initial-rebalance-delay-ms")) {
            bus.groupInitialRebalanceDelayMs(Long.parseLong(opts.get("group-initial-rebalance-delay-ms")));
        }
        if (opts.containsKey("log-flush-threads")) {
            bus.logFlushThreads(Integer.parseInt(opts.get("log-flush-threads")));
        }
        if (opts.containsKey("log-preallocate-bytes")) {
            bus.logPreallocateBytes(Integer.parseInt(opts.get("log-preallocate-bytes")));
        }
        if (opts.containsKey("log-journal")) {
            bus.logJournal(Boolean.parseBoolean(opts.get("log-journal")));
        }
        EmbeddedBus embedded = EmbeddedBus.open(bus.build());
        if (opts.containsKey("scram-user")) {
            String[] user = opts.get("scram-user").split("=", 2);
            try {
                String password = java.nio.file.Files.readString(Path.of(user[1])).strip();
                var store = io.busbar.kafka.security.ScramCredentialStore.open(io.busbar.kafka.handler.KafkaApis.stateDir(embedded));
                for (var m : org.apache.kafka.common.security.scram.internals.ScramMechanism.values()) {
                    store.upsert(user[0], m, password, io.busbar.kafka.security.ScramCredentialStore.DEFAULT_ITERATIONS);
                }
            } catch (java.io.IOException | RuntimeException e) {
                embedded.close();
                System.err.println("--scram-user NAME=PASSWORD_FILE: " + e.getMessage());
                System.exit(2);
                return;
            }
        }
        KafkaListener listener;
        try {
            listener = KafkaListener.start(embedded, KafkaListenerConfig.fromProperties(props));
        } catch (RuntimeException e) {
            embedded.close();
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            listener.close();
            embedded.close();
            stopped.countDown();
        }, "busbar-broker-shutdown"));
        System.out.println("BUSBAR_KAFKA_LISTENING " + listener.bootstrapServers());
        for (String l : listener.describeListeners()) {
            // kafka://host:port (NAME, PROTOCOL)
            String[] parts = l.substring("kafka://".length()).split(" \\(|, |\\)");
            System.out.println("BUSBAR_KAFKA_LISTENER " + (parts.length > 1 ? parts[1] : "PLAINTEXT") + " " + parts[0]);
        }
        System.out.flush();
        stopped.await();
    }
}
