package io.busbar.bus.kafka;

import io.busbar.bus.BusException;
import io.busbar.bus.BusProducer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Header;
import io.busbar.bus.RecordMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Utils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The bus producer on a Kafka cluster: a KafkaProducer with safe defaults (idempotence, acks=all), so an acknowledged
 * record is on every in-sync replica. Keys go to the same partitions as on the embedded bus (Kafka's murmur2).
 * Thread-safe.
 */
final class KafkaClusterProducer implements BusProducer {
    private final KafkaProducer<byte[], byte[]> producer;
    private final TopicAutoCreator topics;

    KafkaClusterProducer(KafkaProducer<byte[], byte[]> producer, TopicAutoCreator topics) {
        this.producer = producer;
        this.topics = topics;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(String topic, BusRecord record) {
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        try {
            topics.ensure(topic);
            List<org.apache.kafka.common.header.Header> headers = new ArrayList<>(record.headers().size());
            for (Header h : record.headers()) {
                headers.add(new RecordHeader(h.key(), h.value()));
            }
            Long timestamp = record.timestamp() == BusRecord.NO_TIMESTAMP ? null : record.timestamp();
            producer.send(new ProducerRecord<>(topic, record.partition(), timestamp, record.key(), record.value(), headers),
                    (md, error) -> {
                        if (error != null) {
                            future.completeExceptionally(KafkaErrors.translate(error));
                        } else {
                            future.complete(new RecordMetadata(md.topic(), md.partition(), md.offset(), md.timestamp()));
                        }
                    });
        } catch (RuntimeException e) {
            future.completeExceptionally(KafkaErrors.translate(e));
        }
        return future;
    }

    /** Explicit partition, else murmur2 of the key; -1 for an unkeyed record (Kafka's producer picks it at send time). */
    @Override
    public int partitionFor(String topic, BusRecord record) {
        if (record.partition() != null) {
            return record.partition();
        }
        if (record.key() == null) {
            return -1;
        }
        topics.ensure(topic);
        try {
            return Utils.toPositive(Utils.murmur2(record.key())) % producer.partitionsFor(topic).size();
        } catch (RuntimeException e) {
            throw KafkaErrors.translate(e);
        }
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        try {
            producer.close();
        } catch (RuntimeException e) {
            throw new BusException("Closing the Kafka producer failed: " + e.getMessage(), e);
        }
    }
}
