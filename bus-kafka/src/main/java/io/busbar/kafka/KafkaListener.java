package io.busbar.kafka;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.handler.KafkaApis;
import io.busbar.kafka.server.KafkaServer;

import java.net.InetSocketAddress;

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

    private KafkaListener(KafkaServer server, KafkaRequestMetrics requestMetrics) {
        this.server = server;
        this.requestMetrics = requestMetrics;
    }

    /**
     * Binds the listener and starts serving.
     *
     * @throws ListenerBindException when the address cannot be bound (e.g. the port is in use); the message names
     *                               {@code busbar.kafka.listener}
     */
    public static KafkaListener start(EmbeddedBus bus, KafkaListenerConfig config) {
        KafkaRequestMetrics metrics = new KafkaRequestMetrics();
        return new KafkaListener(KafkaServer.start(config,
                (host, port) -> KafkaApis.create(bus, host, port).wrapped(metrics::timed)), metrics);
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

    /** Stops accepting, closes every connection and waits for the threads to end. */
    @Override
    public void close() {
        server.close();
    }
}
