package io.busbar.connectors.position;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusException;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.OffsetResetPolicy;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where source connectors remember how far they have read, kept durably in the bus itself, in the internal
 * compacted topic {@value #TOPIC} (one partition), as Kafka Connect keeps its offsets topic: a position moves with
 * the bus, also when the bus runs on Kafka.
 *
 * <p>Each connector instance owns one key (its connector id); the value is a JSON string the connector defines.
 * The latest value of a key wins; compaction keeps only that one. {@link #delete} writes a tombstone.
 *
 * <p>This store keeps a map of the values it has read plus the offset it has read up to, so {@link #load} reads
 * only what was appended since the previous call. Thread-safe: every method is synchronized (positions are
 * saved once per durable batch, so contention is negligible).
 */
public final class PositionStore implements AutoCloseable {

    public static final String TOPIC = Bus.POSITIONS_TOPIC;

    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    /** How long a save may wait for durability, or a load for the topic's tail, before it is reported as a failure. */
    private static final long TIMEOUT_MS = 60_000;

    private final Bus bus;
    private final Map<String, String> positions = new HashMap<>();
    private BusConsumer consumer;
    private long readUpTo;

    public PositionStore(Bus bus) {
        this.bus = Objects.requireNonNull(bus, "bus");
    }

    /** The latest stored position of a connector instance (a JSON string), or empty. Reads the topic to its end. */
    public synchronized Optional<String> load(String connectorId) {
        requireId(connectorId);
        readToEnd();
        return Optional.ofNullable(positions.get(connectorId));
    }

    /** Every connector instance's latest position (id to JSON string). Reads the topic to its end. */
    public synchronized Map<String, String> all() {
        readToEnd();
        return new TreeMap<>(positions);
    }

    /** Stores the position; returns only once it is durable in the bus. */
    public synchronized void save(String connectorId, String positionJson) {
        requireId(connectorId);
        Objects.requireNonNull(positionJson, "positionJson (use delete to forget a position)");
        append(connectorId, positionJson.getBytes(StandardCharsets.UTF_8));
        positions.put(connectorId, positionJson);
    }

    /**
     * Stores the position without waiting: the returned future completes once it is durable, or fails with a
     * {@link PositionStoreException}. Saves of one store are appended in call order, so the last one wins; {@link #load}
     * sees the value once it is durable.
     */
    public synchronized CompletableFuture<Void> saveAsync(String connectorId, String positionJson) {
        requireId(connectorId);
        Objects.requireNonNull(positionJson, "positionJson (use delete to forget a position)");
        BusRecord record = new BusRecord(0, connectorId.getBytes(StandardCharsets.UTF_8),
                positionJson.getBytes(StandardCharsets.UTF_8), List.of(), BusRecord.NO_TIMESTAMP);
        CompletableFuture<Void> durable = bus.producer().send(TOPIC, record).handle((metadata, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                throw new PositionStoreException("Could not store the position of '" + connectorId + "' in topic "
                        + TOPIC + ": " + cause.getMessage() + ". Check that the bus is open and its disk writable", cause);
            }
            return null;
        });
        return durable; // not put in the map: load() reads it from the topic once durable, in order with the others
    }

    /** Forgets the position (writes a tombstone); returns only once the tombstone is durable. */
    public synchronized void delete(String connectorId) {
        requireId(connectorId);
        append(connectorId, null);
        positions.remove(connectorId);
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }

    private void append(String connectorId, byte[] value) {
        BusRecord record = new BusRecord(0, connectorId.getBytes(StandardCharsets.UTF_8), value, List.of(),
                BusRecord.NO_TIMESTAMP);
        try {
            bus.producer().send(TOPIC, record).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PositionStoreException("Interrupted while saving the position of '" + connectorId
                    + "': it may or may not be stored; the connector resumes from the last one it can read", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new PositionStoreException("Could not store the position of '" + connectorId + "' in topic "
                    + TOPIC + ": " + cause.getMessage() + ". Check that the bus is open and its disk writable", cause);
        }
    }

    /** Reads every record appended since the last call, up to the high watermark observed at the start. */
    private void readToEnd() {
        TopicDescription.PartitionDescription partition = describePartition();
        long end = partition.endOffset();
        if (readUpTo >= end) {
            return;
        }
        if (consumer == null) {
            consumer = bus.consumer(ConsumerConfig.builder().clientId("busbar-position-store")
                    .autoOffsetReset(OffsetResetPolicy.EARLIEST).build());
            consumer.assign(List.of(PARTITION));
            // retention never applies (compact only), but a cleaned log may start past 0
            consumer.seek(PARTITION, Math.max(readUpTo, partition.startOffset()));
        }
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (consumer.position(PARTITION) < end) {
            if (System.currentTimeMillis() > deadline) {
                throw new PositionStoreException("Timed out reading topic " + TOPIC + " up to offset " + end
                        + " (at " + consumer.position(PARTITION) + "): check that the bus is healthy");
            }
            for (ConsumedRecord r : consumer.poll(POLL_TIMEOUT)) {
                if (r.key() == null) {
                    continue; // not written by a PositionStore: nothing to key it by
                }
                String id = r.keyAsString();
                if (r.value() == null) {
                    positions.remove(id);
                } else {
                    positions.put(id, r.valueAsString());
                }
            }
        }
        readUpTo = consumer.position(PARTITION);
    }

    private TopicDescription.PartitionDescription describePartition() {
        TopicDescription topic;
        try {
            topic = bus.admin().describeTopic(TOPIC);
        } catch (BusException e) {
            throw new PositionStoreException("Topic " + TOPIC + " is missing or unreadable: " + e.getMessage()
                    + ". The bus creates it at open; open the bus with a Busbar version that does", e);
        }
        return topic.partitions().get(0);
    }

    private static void requireId(String connectorId) {
        if (connectorId == null || connectorId.isBlank()) {
            throw new IllegalArgumentException("Connector id must not be empty: give each connector instance a stable, unique id");
        }
    }
}
