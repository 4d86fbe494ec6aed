package io.busbar.connectors.bus;

import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One member of an exactly-once {@code bus:} consumer ({@code exactlyOnce=true}), on its own thread: Kafka's
 * consume-transform-produce loop over the bus's Kafka transactions. It reads {@code read_committed}; each polled
 * batch runs through the route inside one transaction ({@link BusTransaction}: the route's {@code bus:} sends join it),
 * then the batch's offsets are added to the transaction (with the group's generation, so a member that lost its
 * partitions is fenced, KIP-447) and it commits. A crash anywhere before the commit leaves nothing visible and the
 * batch is delivered again; after it, the offsets say the batch is done.
 *
 * <p>Failures: when a record fails, the transaction is aborted and the batch starts again after
 * {@code redeliveryDelay} (backoff as configured); the wait polls with every partition paused, so the member stays
 * in its group and nothing sleeps. After {@code maximumRedeliveries} the failing record is written to the dead-letter
 * topic inside the batch's transaction instead of running again, so the dead letter and the offsets past it commit
 * together. A fenced producer (another instance took over the transactional id) stops this member.
 *
 * <p>Thread-confined apart from {@link #stop()}.
 */
final class ExactlyOncePoller implements ConsumerMember {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOncePoller.class);

    private final Map<String, Object> clientProperties;
    private final BusConfiguration config;
    private final String clientId;
    private final String transactionalId;
    private final Function<ConsumedRecord, Exchange> exchangeFactory;
    private final Consumer<Exchange> exchangeReleaser;
    private final AsyncProcessor processor;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /** Failed deliveries of the record that failed last (partition + offset), and its error. */
    private String failingRecord;
    private int failures;
    private Throwable lastError;

    ExactlyOncePoller(Map<String, Object> clientProperties, BusConfiguration config, String clientId,
                      String transactionalId, Function<ConsumedRecord, Exchange> exchangeFactory,
                      Consumer<Exchange> exchangeReleaser, AsyncProcessor processor) {
        this.clientProperties = clientProperties;
        this.config = config;
        this.clientId = clientId;
        this.transactionalId = transactionalId;
        this.exchangeFactory = exchangeFactory;
        this.exchangeReleaser = exchangeReleaser;
        this.processor = processor;
    }

    @Override
    public void run() {
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            producer = new KafkaProducer<>(producerProperties());
            producer.initTransactions(); // fences any earlier producer with this id and completes its transaction
            consumer = new KafkaConsumer<>(consumerProperties());
            consumer.subscribe(List.of(config.getTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // every batch is committed or aborted before the next poll: nothing is pending here
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.debug("Exactly-once consumer {} of bus:{} assigned {}", clientId, config.getTopic(), partitions);
                }
            });
            BusTransaction transaction = new BusTransaction(producer);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(config.getPollTimeoutMs()));
                if (!records.isEmpty()) {
                    runBatch(producer, transaction, records);
                }
            }
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            LOG.error("Exactly-once consumer {} of bus:{} stops: another instance uses transactional id {} ({})",
                    clientId, config.getTopic(), transactionalId, e.getMessage());
        } catch (WakeupException e) {
            LOG.debug("Exactly-once consumer {} of bus:{} woken up to stop", clientId, config.getTopic());
        } catch (RuntimeException | Error e) {
            LOG.error("Exactly-once consumer {} of bus:{} stopped by an unexpected error", clientId, config.getTopic(), e);
        } finally {
            close(producer);
        }
    }

    /** One transaction per attempt: the batch's sends, dead letters and offsets commit together, or none of them. */
    private void runBatch(KafkaProducer<byte[], byte[]> producer, BusTransaction transaction,
                          ConsumerRecords<byte[], byte[]> polled) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        polled.forEach(batch::add);
        while (running) {
            producer.beginTransaction();
            ConsumerRecord<byte[], byte[]> failed = null;
            Throwable error = null;
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                ConsumedRecord consumed = toConsumed(record);
                if (ReplayedDeadLetters.isForAnotherGroup(consumed, config.getGroupId())) {
                    continue;
                }
                if (key(record).equals(failingRecord) && !redeliverable(failures, lastError)) {
                    deadLetter(transaction, consumed, lastError, failures);
                    continue;
                }
                error = route(consumed, transaction);
                if (error != null) {
                    failed = record;
                    break;
                }
            }
            if (failed == null) {
                try {
                    producer.sendOffsetsToTransaction(nextOffsets(batch), consumer.groupMetadata());
                    producer.commitTransaction();
                    if (failingRecord != null && batchHolds(batch, failingRecord)) {
                        failingRecord = null;
                        failures = 0;
                    }
                    return;
                } catch (ProducerFencedException | InvalidProducerEpochException e) {
                    throw e;
                } catch (KafkaException e) {
                    // a send or the offsets were refused (e.g. the group moved on): nothing of the batch is visible
                    abortQuietly(producer);
                    LOG.warn("Exactly-once consumer {} of bus:{}: commit failed ({}); the batch is read again", clientId,
                            config.getTopic(), e.toString());
                    rewind(batch);
                    waitPaused(config.getRedeliveryDelay());
                    return;
                }
            }
            abortQuietly(producer);
            String k = key(failed);
            failures = k.equals(failingRecord) ? failures + 1 : 1;
            failingRecord = k;
            lastError = error;
            long delay = config.redeliveryDelayAfter(failures);
            LOG.debug("Exactly-once consumer {} of bus:{}: {} failed (delivery {}: {}); batch aborted, again in {} ms",
                    clientId, config.getTopic(), k, failures, error.toString(), delay);
            if (redeliverable(failures, error)) {
                waitPaused(delay);
            }
            if (!running) {
                rewind(batch); // the next owner (or this one after a restart) reads the batch again
                return;
            }
        }
        rewind(batch);
    }

    /**
     * Whether a record that failed {@code failures} times is delivered again: not a sink's data error
     * ({@link io.busbar.connectors.sink.SinkDataException}, dead-lettered at once), and within maximumRedeliveries
     * (-1: always).
     */
    private boolean redeliverable(int failures, Throwable error) {
        return io.busbar.connectors.sink.SinkDataException.in(error) == null
                && (config.getMaximumRedeliveries() < 0 || failures <= config.getMaximumRedeliveries());
    }

    /** Runs one record through the route and waits for it; returns its error, or null. */
    private Throwable route(ConsumedRecord record, BusTransaction transaction) {
        Exchange exchange = exchangeFactory.apply(record);
        exchange.setProperty(BusTransaction.PROPERTY, transaction);
        CountDownLatch done = new CountDownLatch(1);
        try {
            processor.process(exchange, doneSync -> done.countDown());
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return e;
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.isRollbackOnly() ? new IllegalStateException("Exchange marked rollback-only") : null;
        exchangeReleaser.accept(exchange);
        return error;
    }

    private void deadLetter(BusTransaction transaction, ConsumedRecord record, Throwable error, int attempts) {
        LOG.warn("Giving up on {}-{} offset {} after {} attempt(s) ({}); writing it to dead-letter topic {} in the"
                + " batch's transaction", record.topic(), record.partition(), record.offset(), attempts, error,
                config.effectiveDeadLetterTopic());
        BusRecord dead = DeadLetterWriter.deadLetterRecord(record, error, attempts, config.getGroupId());
        transaction.send(config.effectiveDeadLetterTopic(), dead.key(), dead.value(), dead.headers());
    }

    /** Waits with every partition paused: the member keeps polling (heartbeats, rebalances), no record is read. */
    private void waitPaused(long millis) {
        Collection<TopicPartition> assigned = consumer.assignment();
        consumer.pause(assigned);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (running && System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> late = consumer.poll(Duration.ofMillis(Math.max(1, Math.min(100,
                    TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))));
            if (!late.isEmpty()) {
                // partitions assigned during the wait were not paused: give their records back, read them later
                List<ConsumerRecord<byte[], byte[]>> back = new ArrayList<>();
                late.forEach(back::add);
                rewind(back);
                consumer.pause(late.partitions());
            }
        }
        consumer.resume(consumer.assignment());
    }

    /** Puts every partition of the batch back to its first record, for the next poll. */
    private void rewind(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        first.forEach((tp, offset) -> {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    private static boolean batchHolds(List<ConsumerRecord<byte[], byte[]>> batch, String key) {
        return batch.stream().anyMatch(r -> key(r).equals(key));
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    private static ConsumedRecord toConsumed(ConsumerRecord<byte[], byte[]> r) {
        List<Header> headers = new ArrayList<>();
        r.headers().forEach(h -> headers.add(new Header(h.key(), h.value())));
        return new ConsumedRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers);
    }

    private void abortQuietly(KafkaProducer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("Exactly-once consumer {} of bus:{}: abort failed ({}); the transaction times out instead",
                    clientId, config.getTopic(), e.toString());
        }
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-txn");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.getGroupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.getAutoOffsetReset());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getMaxPollRecords());
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.getMaxPollIntervalMs());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.getSessionTimeoutMs());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, config.getHeartbeatIntervalMs());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private void close(KafkaProducer<byte[], byte[]> producer) {
        try {
            if (consumer != null) {
                consumer.close(Duration.ofMillis(config.getShutdownTimeoutMs()));
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing exactly-once consumer {} of bus:{}: {}", clientId, config.getTopic(), e.toString());
        }
        try {
            if (producer != null) {
                producer.close(Duration.ofMillis(config.getShutdownTimeoutMs()));
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the transactional producer {}: {}", transactionalId, e.toString());
        }
        finished.countDown();
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean awaitFinished(long timeoutMs) throws InterruptedException {
        return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
