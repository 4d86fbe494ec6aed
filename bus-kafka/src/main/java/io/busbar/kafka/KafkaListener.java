package io.busbar.kafka;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.handler.KafkaApis;
import io.busbar.kafka.server.KafkaServer;

import io.busbar.kafka.security.ListenerSecurity;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;

/**
 * The Kafka wire-protocol listener of an embedded bus: Kafka clients (Java, librdkafka/kcat, ...) produce to and
 * consume from the bus's topics and join its consumer groups, next to in-process producers and consumers.
 *
 * <pre>{@code
 * try (KafkaListener listener = KafkaListener.start(bus, KafkaListenerConfig.DEFAULT)) { ... }
 * }</pre>
 * Thread-safe. Closing the listener does not close the bus.
 */
public final class KafkaListener implements AutoCloseable {

    private final KafkaServer server;
    private final KafkaRequestMetrics requestMetrics;
    private final ListenerSecurity security;

    private KafkaListener(KafkaServer server, KafkaRequestMetrics requestMetrics, ListenerSecurity security) {
        this.server = server;
        this.requestMetrics = requestMetrics;
        this.security = security;
    }

    /** Credentials, ACLs and whether they are enforced. */
    public ListenerSecurity security() {
        return security;
    }

    /**
     * Binds the listener and starts serving.
     *
     * @throws ListenerBindException when the address cannot be bound (e.g. the port is in use); the message names
     *                               {@code busbar.kafka.listener}
     */
    public static KafkaListener start(EmbeddedBus bus, KafkaListenerConfig config) {
        ListenerSecurity security = ListenerSecurity.open(KafkaApis.stateDir(bus), config.security(),
                config.listenerSpecs(), id -> bus.topicById(new UUID(id.getMostSignificantBits(),
                        id.getLeastSignificantBits())).map(t -> t.name()).orElse(null));
        KafkaRequestMetrics metrics = new KafkaRequestMetrics();
        KafkaListener listener = new KafkaListener(KafkaServer.start(config, security,
                (host, port) -> KafkaApis.create(bus, host, port, security).wrapped(metrics::timed)), metrics, security);
        listener.announceTo(bus);
        return listener;
    }

    private EmbeddedBus announcedTo;

    /**
     * Tells the bus how clients in this JVM reach it over the Kafka protocol (the {@code bus:} component's
     * exactly-once mode uses Kafka's transactions): the first PLAINTEXT listener, loopback-bound by default.
     */
    private void announceTo(EmbeddedBus bus) {
        server.listeners().stream()
                .filter(b -> b.spec().protocol() == org.apache.kafka.common.security.auth.SecurityProtocol.PLAINTEXT)
                .findFirst()
                .ifPresent(b -> {
                    bus.announceKafkaListener(java.util.Map.of("bootstrap.servers",
                            b.advertised().host() + ":" + b.advertised().port()));
                    announcedTo = bus;
                });
    }

    /** Request counts, errors and latencies per Kafka API. */
    public KafkaRequestMetrics requestMetrics() {
        return requestMetrics;
    }

    /** The bound address (with the real port when the configured port was 0). */
    public InetSocketAddress address() {
        return server.boundAddress();
    }

    /** {@code host:port} clients should use as bootstrap.servers. */
    public String bootstrapServers() {
        return server.advertisedHost() + ":" + server.advertisedPort();
    }

    /** {@code host:port} of the named listener (e.g. {@code EXTERNAL}) for bootstrap.servers. */
    public String bootstrapServers(String listenerName) {
        return server.listeners().stream().filter(b -> b.spec().name().equalsIgnoreCase(listenerName)).findFirst()
                .map(b -> b.advertised().host() + ":" + b.advertised().port())
                .orElseThrow(() -> new IllegalArgumentException("No Kafka listener named " + listenerName));
    }

    /**
     * Every listener as {@code kafka://host:port (NAME, PROTOCOL)} for the startup summary; the single listener of
     * {@code busbar.kafka.listener} is just {@code kafka://host:port}.
     */
    public List<String> describeListeners() {
        boolean single = server.listeners().size() == 1 && server.listeners().get(0).spec().name().equals("PLAINTEXT");
        return server.listeners().stream().map(b -> "kafka://" + b.advertised().host() + ":" + b.advertised().port()
                + (single ? "" : " (" + b.spec().name() + ", " + b.spec().protocol().name + ")")).toList();
    }

    /** Open connections and queued request bytes (busbar.kafka.max.connections, queued.max.request.bytes). */
    public KafkaServer.LimitStats limitStats() {
        return server.limitStats();
    }

    /** Stops accepting, closes every connection and waits for the threads to end. */
    @Override
    public void close() {
        if (announcedTo != null) {
            announcedTo.announceKafkaListener(null);
        }
        server.close();
    }
}
