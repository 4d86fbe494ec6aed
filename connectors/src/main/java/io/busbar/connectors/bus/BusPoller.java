package io.busbar.connectors.bus;

import io.busbar.bus.Bus;
import io.busbar.bus.BusClosedException;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusException;
import io.busbar.bus.CommitFailedException;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.Header;
import io.busbar.bus.OffsetResetPolicy;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One member of the consumer group, on its own thread: polls records, routes each as an exchange, handles failures
 * (redelivery with backoff, then the dead-letter topic) and commits offsets only past completed records.
 *
 * <p>Order: records enter the route in partition order, up to {@code maxInFlight} at once, so asynchronous steps (a
 * {@code bus:} producer waits for durability) overlap. A failed record is retried in order: its partition is paused,
 * its records not yet started are read again after it, and the retry starts only once the partition's records still
 * in flight are done. When the failure was reported after later records of its partition had already been handed on
 * (an asynchronous step failed), those later records are delivered again after the retried one, so the last copy of
 * every record follows its predecessors (at-least-once: duplicates, never a reordered last write). Offsets are
 * committed only past the longest completed prefix ({@link OffsetTracker}), on the commit interval, before partitions
 * are revoked and when the poller stops, after in-flight exchanges finish (bounded by {@code shutdownTimeoutMs}).
 *
 * <p>Thread-confined: all state is touched by the poller thread only; exchanges that complete on other threads
 * hand their completion over through a queue. {@link #stop()} may be called from any thread.
 */
final class BusPoller implements ConsumerMember, RebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(BusPoller.class);

    private final Bus bus;
    private final BusConfiguration config;
    private final String clientId;
    private final Function<ConsumedRecord, Exchange> exchangeFactory;
    private final Consumer<Exchange> exchangeReleaser;
    private final AsyncProcessor processor;
    private final ExceptionHandler exceptionHandler;
    private final DeadLetterWriter deadLetters;

    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final OffsetTracker offsets = new OffsetTracker();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile BusConsumer consumer;
    private int inFlight;
    private long lastCommitNanos = System.nanoTime();

    /**
     * An exchange that finished (well or not), or a dead letter written (exchange null; {@code deadLetterError} its
     * failure, null once durable), handed from whatever thread completed it to the poller thread.
     */
    private record Completion(ConsumedRecord record, Exchange exchange, int delivery, int earlierAttempts,
                              Throwable error, Throwable deadLetterError) {
        Completion(ConsumedRecord record, Exchange exchange, int delivery, int earlierAttempts) {
            this(record, exchange, delivery, earlierAttempts, null, null);
        }
    }

    /**
     * A failed record waiting for its redelivery; its partition is paused meanwhile, the others keep flowing.
     * {@code redoSuccessors}: later records of the partition had been started before the failure was known; they are
     * delivered again once this one is done.
     */
    private record Retry(ConsumedRecord record, int delivery, int earlierAttempts, long dueNanos, boolean redoSuccessors,
                         Throwable deadLetterFor) {
        Retry(ConsumedRecord record, int delivery, int earlierAttempts, long dueNanos, boolean redoSuccessors) {
            this(record, delivery, earlierAttempts, dueNanos, redoSuccessors, null);
        }
    }

    /** Per partition: exchanges in flight, and the highest offset handed to the route (for the in-order retry). */
    private final java.util.Map<TopicPartition, int[]> inFlightByPartition = new java.util.HashMap<>();
    private final java.util.Map<TopicPartition, Long> highestStarted = new java.util.HashMap<>();
    /** Partitions whose retried record is in flight, with whether its successors must be delivered again. */
    private final java.util.Map<TopicPartition, Boolean> retryInFlight = new java.util.HashMap<>();

    /** Partitions holding a record that waits for its redelivery, in due order per partition (one each). */
    private final java.util.Map<TopicPartition, Retry> retries = new java.util.LinkedHashMap<>();

    BusPoller(Bus bus, BusConfiguration config, String clientId, Function<ConsumedRecord, Exchange> exchangeFactory,
              Consumer<Exchange> exchangeReleaser, AsyncProcessor processor, ExceptionHandler exceptionHandler) {
        this.bus = bus;
        this.config = config;
        this.clientId = clientId;
        this.exchangeFactory = exchangeFactory;
        this.exchangeReleaser = exchangeReleaser;
        this.processor = processor;
        this.exceptionHandler = exceptionHandler;
        this.deadLetters = new DeadLetterWriter(bus.producer(), config.effectiveDeadLetterTopic(),
                config.getGroupId(), config.getRedeliveryDelay());
    }

    @Override
    public void run() {
        try {
            consumer = bus.consumer(consumerConfig());
            consumer.subscribe(List.of(config.getTopic()), this);
            if (!running) {
                return;
            }
            pollLoop();
        } catch (BusClosedException e) {
            LOG.debug("Bus closed under consumer {} of bus:{}", clientId, config.getTopic());
        } catch (RuntimeException | Error e) {
            LOG.error("Consumer {} of bus:{} stopped by an unexpected error", clientId, config.getTopic(), e);
        } finally {
            finish();
        }
    }

    private void pollLoop() {
        while (running) {
            dispatchDueRetries();
            List<ConsumedRecord> records;
            try {
                records = consumer.poll(Duration.ofMillis(pollTimeoutMs()));
            } catch (BusClosedException e) {
                throw e;
            } catch (BusException e) {
                if (!running) {
                    break;
                }
                exceptionHandler.handleException("Polling bus:" + config.getTopic() + " failed; retrying in 1 s", e);
                sleepWhile(this::isRunning, 1000);
                continue;
            }
            java.util.Set<TopicPartition> rewound = new java.util.HashSet<>();
            for (ConsumedRecord record : records) {
                if (!running) {
                    break;
                }
                awaitCapacity();
                TopicPartition tp = record.topicPartition();
                if (retries.containsKey(tp) || retryInFlight.containsKey(tp)) {
                    // its partition waits for a redelivery: keep the order, read this record again once it is done
                    if (rewound.add(tp)) {
                        consumer.seek(tp, record.offset());
                    }
                    continue;
                }
                offsets.started(tp, record.offset());
                if (ReplayedDeadLetters.isForAnotherGroup(record, config.getGroupId())) {
                    offsets.completed(tp, record.offset());
                    continue;
                }
                dispatch(record, 1, 0);
                drainCompletions(); // a failure is seen before this partition's next record is started
            }
            Completion c;
            while ((c = completions.poll()) != null) {
                handle(c);
            }
            if (config.getCommitIntervalMs() <= 0
                    || System.nanoTime() - lastCommitNanos >= TimeUnit.MILLISECONDS.toNanos(config.getCommitIntervalMs())) {
                commit(null);
            }
        }
    }

    private void drainCompletions() {
        Completion c;
        while ((c = completions.poll()) != null) {
            handle(c);
        }
    }

    private int inFlight(TopicPartition partition) {
        int[] n = inFlightByPartition.get(partition);
        return n == null ? 0 : n[0];
    }

    private void dispatch(ConsumedRecord record, int delivery, int earlierAttempts) {
        Exchange exchange = exchangeFactory.apply(record);
        inFlight++;
        inFlightByPartition.computeIfAbsent(record.topicPartition(), p -> new int[1])[0]++;
        highestStarted.merge(record.topicPartition(), record.offset(), Math::max);
        try {
            processor.process(exchange, doneSync -> completions.add(new Completion(record, exchange, delivery, earlierAttempts)));
        } catch (RuntimeException e) {
            exchange.setException(e);
            completions.add(new Completion(record, exchange, delivery, earlierAttempts));
        }
    }

    /** Waits no longer than until the next redelivery is due (or, while one waits for its partition, briefly). */
    private long pollTimeoutMs() {
        long timeout = config.getPollTimeoutMs();
        long now = System.nanoTime();
        for (Retry r : retries.values()) {
            long due = Math.max(0, TimeUnit.NANOSECONDS.toMillis(r.dueNanos() - now));
            timeout = Math.min(timeout, inFlight(r.record().topicPartition()) > 0 ? Math.max(due, 5) : due);
        }
        return timeout;
    }

    private void dispatchDueRetries() {
        if (retries.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        // a retry starts only when its partition has nothing else in flight: it never overtakes or overlaps them
        List<Retry> due = retries.values().stream()
                .filter(r -> r.dueNanos() <= now && inFlight(r.record().topicPartition()) == 0).toList();
        for (Retry r : due) {
            awaitCapacity();
            if (!running) {
                return;
            }
            TopicPartition partition = r.record().topicPartition();
            retries.remove(partition);
            retryInFlight.put(partition, r.redoSuccessors());
            if (r.deadLetterFor() != null) {
                sendDeadLetter(r.record(), r.deadLetterFor(), r.delivery(), r.earlierAttempts());
            } else {
                dispatch(r.record(), r.delivery(), r.earlierAttempts());
            }
        }
    }

    /**
     * A redelivered record is done (completed or dead-lettered): its partition flows again, from the record after it
     * when later records had been started before its failure was known (they are delivered again, in order).
     */
    private void resumeAfterRetry(TopicPartition partition, int delivery, long offset) {
        if (delivery <= 1 || retries.containsKey(partition)) {
            return;
        }
        Boolean redo = retryInFlight.remove(partition);
        if (!consumer.assignment().contains(partition)) {
            return;
        }
        if (Boolean.TRUE.equals(redo)) {
            offsets.rewind(partition, offset + 1);
            highestStarted.put(partition, offset);
            consumer.seek(partition, offset + 1);
        }
        consumer.resume(List.of(partition));
    }

    private void awaitCapacity() {
        while (inFlight >= config.getMaxInFlight()) {
            awaitOneCompletion();
        }
    }

    private void awaitOneCompletion() {
        try {
            Completion c = completions.poll(100, TimeUnit.MILLISECONDS);
            if (c != null) {
                handle(c);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Writes a record that failed for good to the dead-letter topic without waiting on this thread: its partition is
     * paused and counts it in flight until the dead letter is durable; a failed write is retried after
     * {@code redeliveryDelay} the same way (no sleep), the other partitions flow meanwhile.
     */
    private void sendDeadLetter(ConsumedRecord record, Throwable error, int delivery, int attempts) {
        TopicPartition partition = record.topicPartition();
        consumer.pause(List.of(partition));
        inFlight++;
        inFlightByPartition.computeIfAbsent(partition, p -> new int[1])[0]++;
        deadLetters.send(record, error, attempts).whenComplete((metadata, failure) ->
                completions.add(new Completion(record, null, delivery, attempts, error, failure)));
    }

    private void deadLettered(Completion c) {
        TopicPartition partition = c.record().topicPartition();
        if (c.deadLetterError() != null) {
            Throwable cause = c.deadLetterError() instanceof java.util.concurrent.CompletionException
                    && c.deadLetterError().getCause() != null ? c.deadLetterError().getCause() : c.deadLetterError();
            LOG.error("Cannot write {}-{} offset {} to dead-letter topic {} ({}); the partition waits and retries in {} ms",
                    partition.topic(), partition.partition(), c.record().offset(), deadLetters.topic(), cause.toString(),
                    deadLetters.retryDelayMs());
            if (running) {
                boolean redo = Boolean.TRUE.equals(retryInFlight.remove(partition));
                retries.put(partition, new Retry(c.record(), Math.max(c.delivery(), 2), c.earlierAttempts(),
                        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadLetters.retryDelayMs()), redo, c.error()));
            }
            return; // stays uncommitted: redelivered on restart if the consumer stops first
        }
        offsets.completed(partition, c.record().offset());
        // resumes the partition (paused for the write), from after the record when its successors must be redone
        if (!retryInFlight.containsKey(partition)) {
            retryInFlight.put(partition, false);
        }
        resumeAfterRetry(partition, 2, c.record().offset());
    }

    /** Completes a record, redelivers it, or dead-letters it. Runs on the poller thread. */
    private void handle(Completion c) {
        inFlight--;
        Exchange exchange = c.exchange();
        TopicPartition partition = c.record().topicPartition();
        int[] partitionInFlight = inFlightByPartition.get(partition);
        if (partitionInFlight != null && --partitionInFlight[0] == 0) {
            inFlightByPartition.remove(partition);
        }
        if (exchange == null) {
            deadLettered(c);
            return;
        }
        boolean failed = exchange.isFailed() || exchange.isRollbackOnly();
        if (!failed) {
            offsets.completed(partition, c.record().offset());
            exchangeReleaser.accept(exchange);
            resumeAfterRetry(partition, c.delivery(), c.record().offset());
            return;
        }
        Throwable error = exchange.getException() != null ? exchange.getException()
                : new IllegalStateException("Exchange marked rollback-only");
        int attempts = c.earlierAttempts() + 1 + exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        exchangeReleaser.accept(exchange);
        if (!running) {
            LOG.info("Stopping: {}-{} offset {} failed and stays uncommitted; it is redelivered on restart",
                    partition.topic(), partition.partition(), c.record().offset());
            return;
        }
        Retry earlier = retries.get(partition);
        if (earlier != null && earlier.record().offset() < c.record().offset()) {
            // an earlier record of this partition already waits for its retry: this one is delivered again after it
            retries.put(partition, new Retry(earlier.record(), earlier.delivery(), earlier.earlierAttempts(),
                    earlier.dueNanos(), true));
            return;
        }
        // a sink's data error (SinkDataException) cannot be cured by redelivery: straight to the dead-letter topic
        if (io.busbar.connectors.sink.SinkDataException.in(error) == null
                && (config.getMaximumRedeliveries() < 0 || c.delivery() <= config.getMaximumRedeliveries())) {
            long delay = config.redeliveryDelayAfter(c.delivery());
            LOG.debug("Redelivering {}-{} offset {} in {} ms (delivery {} failed: {})", partition.topic(),
                    partition.partition(), c.record().offset(), delay, c.delivery(), error.toString());
            // no sleep here: only this partition waits (paused); the poll loop redelivers when it is due
            consumer.pause(List.of(partition));
            boolean redo = c.delivery() > 1 ? Boolean.TRUE.equals(retryInFlight.remove(partition))
                    : highestStarted.getOrDefault(partition, c.record().offset()) > c.record().offset();
            retries.put(partition, new Retry(c.record(), c.delivery() + 1, attempts,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay), redo));
            return;
        }
        // dead-lettered at once (no redeliveries): nothing of it goes on, so its successors keep their order as they are
        if (c.delivery() > 1) {
            retryInFlight.putIfAbsent(partition, false);
        }
        sendDeadLetter(c.record(), error, c.delivery(), attempts);
    }

    private void commit(Collection<TopicPartition> only) {
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, CommittedOffset> committable = offsets.takeCommittable(only);
        if (committable.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(committable);
        } catch (CommitFailedException e) {
            // The group moved on (new generation): the new owner resumes from the last good commit; duplicates, no loss.
            LOG.warn("Commit of {} refused ({}); those records will be delivered again", committable.keySet(), e.getMessage());
        } catch (BusClosedException e) {
            throw e;
        } catch (BusException e) {
            offsets.restore(committable);
            exceptionHandler.handleException("Committing offsets of bus:" + config.getTopic() + " failed", e);
        }
    }

    /** Before losing partitions: let their in-flight exchanges finish, then commit them. */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.getShutdownTimeoutMs());
        while (offsets.hasPending(partitions) && inFlight > 0 && System.nanoTime() < deadline) {
            awaitOneCompletion();
        }
        commit(partitions);
        offsets.forget(partitions);
        retries.keySet().removeAll(partitions); // uncommitted: the next owner delivers them again
        retryInFlight.keySet().removeAll(partitions);
        highestStarted.keySet().removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        LOG.debug("Consumer {} of bus:{} assigned {}", clientId, config.getTopic(), partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        offsets.forget(partitions);
        retries.keySet().removeAll(partitions);
        retryInFlight.keySet().removeAll(partitions);
        highestStarted.keySet().removeAll(partitions);
    }

    /** Stop dispatching, finish in-flight exchanges, commit, leave the group. */
    private void finish() {
        try {
            BusConsumer c = consumer;
            if (c != null) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.getShutdownTimeoutMs());
                while (inFlight > 0 && System.nanoTime() < deadline) {
                    awaitOneCompletion();
                }
                if (inFlight > 0) {
                    LOG.warn("Consumer {} of bus:{} stops with {} exchange(s) still in flight; they stay uncommitted",
                            clientId, config.getTopic(), inFlight);
                }
                try {
                    commit(null);
                } catch (BusClosedException e) {
                    LOG.warn("Bus closed before consumer {} of bus:{} could commit; records since the last commit"
                            + " will be delivered again", clientId, config.getTopic());
                }
                c.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping consumer {} of bus:{}", clientId, config.getTopic(), e);
        } finally {
            finished.countDown();
        }
    }

    /**
     * Asks the poller to stop; it notices within {@code pollTimeoutMs}. No {@code wakeup()}: on a Kafka-backed bus a
     * pending wakeup would make the final commit throw instead of committing.
     */
    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean awaitFinished(long timeoutMs) throws InterruptedException {
        return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private boolean isRunning() {
        return running;
    }

    private ConsumerConfig consumerConfig() {
        return ConsumerConfig.builder()
                .groupId(config.getGroupId())
                .clientId(clientId)
                .autoOffsetReset(OffsetResetPolicy.valueOf(config.getAutoOffsetReset().toUpperCase(Locale.ROOT)))
                .maxPollRecords(config.getMaxPollRecords())
                .maxPollIntervalMs(config.getMaxPollIntervalMs())
                .sessionTimeoutMs(config.getSessionTimeoutMs())
                .heartbeatIntervalMs(config.getHeartbeatIntervalMs())
                .build();
    }

    /** Sleeps up to {@code millis} in short steps; returns false as soon as {@code running} turns false. */
    static boolean sleepWhile(BooleanSupplier running, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (running.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
