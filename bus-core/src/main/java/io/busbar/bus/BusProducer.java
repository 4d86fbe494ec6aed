package io.busbar.bus;

import java.util.concurrent.CompletableFuture;

/**
 * Appends records to topics. Records are batched per partition internally; the returned future completes once
 * the record is durable under the bus's {@link Durability} policy (never before), or exceptionally with a
 * {@link BusException} subtype. Records sent from one thread to one partition keep their order.
 * Thread-safe.
 */
public interface BusProducer extends AutoCloseable {

    CompletableFuture<RecordMetadata> send(String topic, BusRecord record);

    /** The partition a record would go to: explicit, else murmur2(key) % partitions exactly like Kafka, else sticky. */
    int partitionFor(String topic, BusRecord record);

    /** Blocks until every record sent before the call is acknowledged or failed. */
    void flush();

    @Override
    void close();
}
