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
 * <p>Order: records enter the route in partition order; with {@code maxInFlight=1} each completes (retries
 * included) before the next starts. Commits happen on the commit interval, before partitions are revoked and when
 * the poller stops, after in-flight exchanges finish (bounded by {@code shutdownTimeoutMs}).
 *
 * <p>Thread-confined: all state is touched by the poller thread only; exchanges that complete on other threads
 * hand their completion over through a queue. {@link #stop()} may be called from any thread.
 */
final class BusPoller implements Runnable, RebalanceListener {

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

    /** An exchange that finished (well or not), handed from whatever thread completed it to the poller thread. */
    private record Completion(ConsumedRecord record, Exchange exchange, int delivery, int earlierAttempts) { }

    /** A failed record waiting for its redelivery; its partition is paused meanwhile, the others keep flowing. */
    private record Retry(ConsumedRecord record, int delivery, int earlierAttempts, long dueNanos) { }

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
                if (retries.containsKey(tp)) {
                    // its partition waits for a redelivery: keep the order, read this record again once it is done
                    if (rewound.add(tp)) {
                        consumer.seek(tp, record.offset());
                    }
                    continue;
                }
                offsets.started(tp, record.offset());
                if (isReplayForAnotherGroup(record)) {
                    offsets.completed(tp, record.offset());
                    continue;
                }
                dispatch(record, 1, 0);
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

    /** A dead letter replayed for another group's pipeline (header {@link BusConstants#REPLAY_GROUP_ID}). */
    private boolean isReplayForAnotherGroup(ConsumedRecord record) {
        for (Header h : record.headers()) {
            if (h.key().equals(BusConstants.REPLAY_GROUP_ID)) {
                return !h.valueAsString().equals(config.getGroupId());
            }
        }
        return false;
    }

    private void dispatch(ConsumedRecord record, int delivery, int earlierAttempts) {
        Exchange exchange = exchangeFactory.apply(record);
        inFlight++;
        try {
            processor.process(exchange, doneSync -> completions.add(new Completion(record, exchange, delivery, earlierAttempts)));
        } catch (RuntimeException e) {
            exchange.setException(e);
            completions.add(new Completion(record, exchange, delivery, earlierAttempts));
        }
    }

    /** Waits no longer than until the next redelivery is due. */
    private long pollTimeoutMs() {
        long timeout = config.getPollTimeoutMs();
        long now = System.nanoTime();
        for (Retry r : retries.values()) {
            timeout = Math.min(timeout, Math.max(0, TimeUnit.NANOSECONDS.toMillis(r.dueNanos() - now)));
        }
        return timeout;
    }

    private void dispatchDueRetries() {
        if (retries.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<Retry> due = retries.values().stream().filter(r -> r.dueNanos() <= now).toList();
        for (Retry r : due) {
            awaitCapacity();
            if (!running) {
                return;
            }
            retries.remove(r.record().topicPartition());
            dispatch(r.record(), r.delivery(), r.earlierAttempts());
        }
    }

    /** A redelivered record is done (completed or dead-lettered): its partition flows again. */
    private void resumeAfterRetry(TopicPartition partition, int delivery) {
        if (delivery > 1 && !retries.containsKey(partition) && consumer.assignment().contains(partition)) {
            consumer.resume(List.of(partition));
        }
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

    /** Completes a record, redelivers it, or dead-letters it. Runs on the poller thread. */
    private void handle(Completion c) {
        inFlight--;
        Exchange exchange = c.exchange();
        TopicPartition partition = c.record().topicPartition();
        boolean failed = exchange.isFailed() || exchange.isRollbackOnly();
        if (!failed) {
            offsets.completed(partition, c.record().offset());
            exchangeReleaser.accept(exchange);
            resumeAfterRetry(partition, c.delivery());
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
        // a sink's data error (SinkDataException) cannot be cured by redelivery: straight to the dead-letter topic
        if (io.busbar.connectors.sink.SinkDataException.in(error) == null
                && (config.getMaximumRedeliveries() < 0 || c.delivery() <= config.getMaximumRedeliveries())) {
            long delay = redeliveryDelay(c.delivery());
            LOG.debug("Redelivering {}-{} offset {} in {} ms (delivery {} failed: {})", partition.topic(),
                    partition.partition(), c.record().offset(), delay, c.delivery(), error.toString());
            // no sleep here: only this partition waits (paused); the poll loop redelivers when it is due
            consumer.pause(List.of(partition));
            retries.put(partition, new Retry(c.record(), c.delivery() + 1, attempts,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay)));
            return;
        }
        if (deadLetters.write(c.record(), error, attempts, this::isRunning)) {
            offsets.completed(partition, c.record().offset());
        }
        resumeAfterRetry(partition, c.delivery());
    }

    long redeliveryDelay(int failedDelivery) {
        double delay = config.getRedeliveryDelay() * Math.pow(config.getBackoffMultiplier(), failedDelivery - 1);
        return (long) Math.min(delay, config.getMaximumRedeliveryDelay());
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
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        LOG.debug("Consumer {} of bus:{} assigned {}", clientId, config.getTopic(), partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        offsets.forget(partitions);
        retries.keySet().removeAll(partitions);
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
    void stop() {
        running = false;
    }

    boolean awaitFinished(long timeoutMs) throws InterruptedException {
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
