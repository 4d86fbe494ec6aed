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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The bus producer on a Kafka cluster: a KafkaProducer with safe defaults (idempotence, acks=all), so an acknowledged
 * record is on every in-sync replica. Keys go to the same partitions as on the embedded bus (Kafka's murmur2).
 * Thread-safe.
 */
final class KafkaClusterProducer implements BusProducer {
    private final KafkaProducer<byte[], byte[]> producer;
    private final TopicAutoCreator topics;
    /**
     * Completes send futures off the Kafka producer's I/O thread. Whatever a caller chains on a future (a Camel
     * route's next step) would otherwise run on that thread, and a send from there to a topic whose metadata is not
     * yet known blocks the only thread that can fetch it: a deadlock until max.block.ms. One thread keeps completions
     * in acknowledgement order.
     */
    private final ExecutorService completions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "busbar-kafka-send-completions");
        t.setDaemon(true);
        return t;
    });

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
                    (md, error) -> completeOffIoThread(() -> {
                        if (error != null) {
                            future.completeExceptionally(KafkaErrors.translate(error));
                        } else {
                            future.complete(new RecordMetadata(md.topic(), md.partition(), md.offset(), md.timestamp()));
                        }
                    }));
        } catch (RuntimeException e) {
            future.completeExceptionally(KafkaErrors.translate(e));
        }
        return future;
    }

    private void completeOffIoThread(Runnable completion) {
        try {
            completions.execute(completion);
        } catch (RejectedExecutionException closing) {
            completion.run(); // the producer is closing and its I/O thread about to stop: nothing can block on it
        }
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
            producer.close(); // sends what is buffered; its callbacks queue their completions
        } catch (RuntimeException e) {
            throw new BusException("Closing the Kafka producer failed: " + e.getMessage(), e);
        } finally {
            completions.shutdown();
            try {
                if (!completions.awaitTermination(30, TimeUnit.SECONDS)) {
                    throw new BusException("Send completions did not finish within 30 s of closing the Kafka producer");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
