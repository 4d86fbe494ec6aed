package io.busbar.bus;

import java.util.Optional;

/**
 * A durable, partitioned bus. The embedded implementation keeps everything in one data directory of this JVM
 * ({@link #open(BusConfig)}); other implementations (e.g. on an Apache Kafka cluster) offer the same interface,
 * so pipelines written against it run unchanged on either.
 *
 * <p>Thread-safe. Producers are shared; a consumer belongs to one thread at a time, as in Kafka.
 */
public interface Bus extends AutoCloseable {

    /**
     * The compacted one-partition topic where sources keep their positions (as Kafka Connect's offsets topic). Every
     * bus creates it when it opens, so a source on any backend finds it; {@code busbar migrate} carries it over.
     */
    String POSITIONS_TOPIC = "__connector_positions";

    /** Opens (creating if needed, recovering after a crash) the embedded bus on {@code config.dataDir()}. */
    static Bus open(BusConfig config) {
        return io.busbar.bus.embedded.EmbeddedBus.open(config);
    }

    /**
     * Connects to the bus on an Apache Kafka cluster (no local bus is started): the same API, backed by kafka-clients.
     */
    static Bus kafka(io.busbar.bus.kafka.KafkaBusConfig config) {
        return io.busbar.bus.kafka.KafkaClusterBus.connect(config);
    }

    /** The bus's shared, thread-safe producer. Closed with the bus. */
    BusProducer producer();

    /** A new consumer; the caller closes it. */
    BusConsumer consumer(ConsumerConfig config);

    BusAdmin admin();

    /**
     * This bus's own fsyncs (how long they take, how many appends they acknowledge), for metrics; empty where the bus
     * keeps no log of its own (on a Kafka cluster the brokers fsync).
     */
    default Optional<FsyncStats> fsyncStats() {
        return Optional.empty();
    }

    /**
     * Kafka client settings ({@code bootstrap.servers} and any security settings) that reach this bus over the Kafka
     * protocol, for the clients that need what only the protocol offers: Kafka's transactions (the {@code bus:}
     * component's exactly-once mode). On a Kafka cluster, the cluster's client settings; on the embedded bus, its Kafka
     * listener once one serves a PLAINTEXT listener in this JVM; empty otherwise.
     */
    default Optional<java.util.Map<String, Object>> kafkaClientProperties() {
        return Optional.empty();
    }

    /** Stops producers and consumers, flushes and fsyncs every partition and writes the clean-shutdown marker. */
    @Override
    void close();
}
