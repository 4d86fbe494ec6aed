package io.busbar.bus.embedded;

import io.busbar.bus.BusClosedException;
import io.busbar.bus.BusException;
import io.busbar.bus.BusProducer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.AppendResult;
import io.busbar.bus.log.PartitionLog;
import io.busbar.bus.record.RecordBatchBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The embedded bus's producer. {@link #send} adds the record to its partition's {@link PartitionAccumulator} and
 * returns; one sender thread appends the accumulated batches to the logs in order and each record's future completes
 * when the log reports the batch durable — never earlier. Batches grow while the partition's previous batch waits
 * for its fsync (full batches are appended at once), and an idle partition's record is appended at once: Kafka's
 * linger.ms=0 with requests in flight. Memory is bounded: a send blocks while more than {@code bufferBytes} are
 * waiting.
 *
 * <p>Thread-safe. Futures complete on the log's flush thread: keep callbacks short.
 */
final class EmbeddedProducer implements BusProducer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedProducer.class);
    static final int BATCH_BYTES = 128 * 1024;
    static final int BUFFER_BYTES = 64 * 1024 * 1024;
    static final long MAX_BLOCK_MS = 60_000;

    private final EmbeddedBus bus;
    private final Partitioner partitioner = new Partitioner();
    private final ConcurrentHashMap<TopicPartition, PartitionAccumulator> accumulators = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<PartitionAccumulator> ready = new LinkedBlockingQueue<>();
    private final Semaphore buffer = new Semaphore(BUFFER_BYTES);
    private final Thread sender;
    private volatile boolean closed;

    EmbeddedProducer(EmbeddedBus bus) {
        this.bus = bus;
        this.sender = new Thread(this::runSender, "busbar-producer-sender");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    @Override
    public CompletableFuture<RecordMetadata> send(String topic, BusRecord record) {
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        try {
            if (closed) {
                throw new BusClosedException("Producer is closed: records can no longer be sent");
            }
            TopicMetadata metadata = bus.topicForProduce(topic);
            int size = RecordBatchBuilder.sizeUpperBound(record);
            if (size > metadata.config().maxMessageBytes()) {
                throw new RecordTooLargeException("Record of about " + size + " bytes is larger than max.message.bytes = "
                        + metadata.config().maxMessageBytes() + " of topic '" + topic + "': raise the topic's max.message.bytes"
                        + " or send smaller records");
            }
            int partition = partitioner.partition(topic, record, metadata.partitions());
            long timestamp = record.timestamp() == BusRecord.NO_TIMESTAMP ? System.currentTimeMillis() : record.timestamp();
            int reserved = reserve(size);
            TopicPartition tp = new TopicPartition(topic, partition);
            PartitionAccumulator acc = accumulators.computeIfAbsent(tp,
                    k -> new PartitionAccumulator(k, Math.min(BATCH_BYTES, metadata.config().maxMessageBytes())));
            if (acc.add(record, timestamp, future, reserved)) {
                ready.add(acc);
            }
        } catch (BusException e) {
            future.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.completeExceptionally(new BusException("Interrupted while waiting for producer buffer space", e));
        }
        return future;
    }

    @Override
    public int partitionFor(String topic, BusRecord record) {
        return partitioner.partition(topic, record, bus.topicForProduce(topic).partitions());
    }

    @Override
    public void flush() {
        for (PartitionAccumulator acc : accumulators.values()) {
            try {
                acc.last().join();
            } catch (CompletionException e) {
                // flush waits for completion, success or failure; the failure is reported through that record's future
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sender.join(MAX_BLOCK_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    /** Blocks until the buffer has room; returns the bytes reserved (released once the batch is written). */
    private int reserve(int size) throws InterruptedException {
        int permits = Math.min(size, BUFFER_BYTES);
        if (!buffer.tryAcquire(permits, MAX_BLOCK_MS, TimeUnit.MILLISECONDS)) {
            throw new BusException("Producer buffer full for " + MAX_BLOCK_MS + " ms: the bus cannot keep up with the send rate"
                    + " (is the disk slow or full?)");
        }
        return permits;
    }

    private void runSender() {
        long closedAt = 0;
        while (!closed || !ready.isEmpty() || busyAfterClose()) {
            if (closed && closedAt == 0) {
                closedAt = System.nanoTime();
            } else if (closed && System.nanoTime() - closedAt > TimeUnit.MILLISECONDS.toNanos(MAX_BLOCK_MS)) {
                LOG.warn("Producer closed with records still not acknowledged after {} ms: giving up on them", MAX_BLOCK_MS);
                return;
            }
            PartitionAccumulator acc;
            try {
                acc = ready.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (acc == null) {
                continue;
            }
            for (PartitionAccumulator.SealedBatch batch : acc.drain()) {
                append(acc, batch);
            }
        }
    }

    /** After close: records added before it may still wait for an earlier batch's fsync before their own append. */
    private boolean busyAfterClose() {
        for (PartitionAccumulator acc : accumulators.values()) {
            if (acc.busy()) {
                return true;
            }
        }
        return false;
    }

    private void append(PartitionAccumulator acc, PartitionAccumulator.SealedBatch batch) {
        try {
            PartitionLog log = bus.partitionLog(batch.partition());
            AppendResult result = log.append(batch.records());
            acc.recycle(batch.records()); // the append wrote the bytes to the file: the buffer is free
            result.durable().whenComplete((hw, error) -> {
                batchDone(acc);
                complete(batch, result.baseOffset(), error);
            });
        } catch (RuntimeException e) {
            LOG.debug("Append to {} failed", batch.partition(), e);
            batchDone(acc);
            complete(batch, -1, e);
        } finally {
            buffer.release(batch.reservedBytes());
        }
    }

    /** Before the batch's futures complete, so the sender appends what accumulated meanwhile while callbacks run. */
    private void batchDone(PartitionAccumulator acc) {
        if (acc.batchDurable()) {
            ready.add(acc);
        }
    }

    private static void complete(PartitionAccumulator.SealedBatch batch, long baseOffset, Throwable error) {
        List<CompletableFuture<RecordMetadata>> futures = batch.futures();
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            BusException failure = cause instanceof BusException be ? be
                    : new BusException("Append to " + batch.partition() + " failed: " + cause.getMessage(), cause);
            futures.forEach(f -> f.completeExceptionally(failure));
            return;
        }
        TopicPartition tp = batch.partition();
        for (int i = 0; i < futures.size(); i++) {
            futures.get(i).complete(new RecordMetadata(tp.topic(), tp.partition(), baseOffset + i, batch.timestamps()[i]));
        }
    }
}
