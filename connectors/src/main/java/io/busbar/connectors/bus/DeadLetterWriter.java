package io.busbar.connectors.bus;

import io.busbar.bus.BusProducer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Writes a record whose processing failed for good to the dead-letter topic: the original key, value and headers
 * plus {@code bus.dlq.*} headers naming the error, where the record came from and how often it was tried.
 * {@link #write} returns only once the dead-letter record is durable, retrying while the consumer runs, so the
 * caller may then commit past the original. Thread-safe.
 */
public final class DeadLetterWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final BusProducer producer;
    private final String deadLetterTopic;
    private final String groupId;
    private final long retryDelayMs;

    public DeadLetterWriter(BusProducer producer, String deadLetterTopic, String groupId, long retryDelayMs) {
        this.producer = producer;
        this.deadLetterTopic = deadLetterTopic;
        this.groupId = groupId;
        this.retryDelayMs = Math.max(100, retryDelayMs);
    }

    public String topic() {
        return deadLetterTopic;
    }

    /**
     * Writes and waits until durable. Returns false (the record stays uncommitted and will be redelivered) only if
     * the consumer stops before a write succeeds.
     */
    public boolean write(ConsumedRecord original, Throwable error, int attempts, BooleanSupplier running) {
        return write(original, error, attempts, running, List.of());
    }

    /** As {@link #write(ConsumedRecord, Throwable, int, BooleanSupplier)}, with more {@code bus.dlq.*} headers. */
    public boolean write(ConsumedRecord original, Throwable error, int attempts, BooleanSupplier running,
                         List<Header> moreHeaders) {
        BusRecord record = deadLetterRecord(original, error, attempts);
        if (!moreHeaders.isEmpty()) {
            List<Header> headers = new ArrayList<>(record.headers());
            headers.addAll(moreHeaders);
            record = record.withHeaders(headers);
        }
        LOG.warn("Giving up on {}-{} offset {} after {} attempt(s) ({}: {}); writing it to dead-letter topic {}",
                original.topic(), original.partition(), original.offset(), attempts,
                error.getClass().getName(), error.getMessage(), deadLetterTopic);
        while (true) {
            try {
                producer.send(deadLetterTopic, record).get();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                LOG.error("Cannot write {}-{} offset {} to dead-letter topic {} ({}); the partition waits and retries",
                        original.topic(), original.partition(), original.offset(), deadLetterTopic, cause.toString());
                if (!running.getAsBoolean() || !BusPoller.sleepWhile(running, retryDelayMs)) {
                    return false;
                }
            }
        }
    }

    /**
     * Sends the dead letter without waiting: the future completes once it is durable (on the bus's thread: hand the
     * outcome over, never continue work there), or with the failure; the caller retries when it sees fit.
     */
    public java.util.concurrent.CompletableFuture<io.busbar.bus.RecordMetadata> send(ConsumedRecord original,
                                                                                  Throwable error, int attempts) {
        LOG.warn("Giving up on {}-{} offset {} after {} attempt(s) ({}: {}); writing it to dead-letter topic {}",
                original.topic(), original.partition(), original.offset(), attempts,
                error.getClass().getName(), error.getMessage(), deadLetterTopic);
        try {
            return producer.send(deadLetterTopic, deadLetterRecord(original, error, attempts));
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    public long retryDelayMs() {
        return retryDelayMs;
    }

    BusRecord deadLetterRecord(ConsumedRecord original, Throwable error, int attempts) {
        return deadLetterRecord(original, error, attempts, groupId);
    }

    /** The dead letter of {@code original}: its key, value and headers plus the {@code bus.dlq.*} ones. */
    static BusRecord deadLetterRecord(ConsumedRecord original, Throwable error, int attempts, String groupId) {
        List<Header> headers = new ArrayList<>(original.headers());
        headers.add(Header.of(BusConstants.DLQ_EXCEPTION_CLASS, error.getClass().getName()));
        headers.add(Header.of(BusConstants.DLQ_EXCEPTION_MESSAGE, String.valueOf(error.getMessage())));
        headers.add(Header.of(BusConstants.DLQ_ORIGINAL_TOPIC, original.topic()));
        headers.add(Header.of(BusConstants.DLQ_ORIGINAL_PARTITION, Integer.toString(original.partition())));
        headers.add(Header.of(BusConstants.DLQ_ORIGINAL_OFFSET, Long.toString(original.offset())));
        headers.add(Header.of(BusConstants.DLQ_ATTEMPTS, Integer.toString(attempts)));
        headers.add(Header.of(BusConstants.DLQ_GROUP_ID, groupId));
        io.busbar.connectors.sink.SinkDataException data = io.busbar.connectors.sink.SinkDataException.in(error);
        if (data != null) {
            headers.addAll(data.deadLetterHeaders()); // why the sink's target refused it (reason, HTTP status)
        }
        return new BusRecord(null, original.key(), original.value(), headers, BusRecord.NO_TIMESTAMP);
    }
}
