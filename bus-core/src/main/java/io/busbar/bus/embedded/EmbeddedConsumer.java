package io.busbar.bus.embedded;

import io.busbar.bus.BusClosedException;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.NoOffsetForPartitionException;
import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.group.GroupMembership;
import io.busbar.bus.log.LogReadResult;
import io.busbar.bus.log.PartitionLog;
import io.busbar.bus.record.RecordBatchReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The embedded bus's consumer: fetch positions per assigned partition, reads straight from the partition logs (up to
 * the high watermark), and — when subscribed — a {@link GroupMembership} that decides the assignment.
 *
 * <p>Not thread-safe (one thread, as with KafkaConsumer), except {@link #wakeup()}.
 */
final class EmbeddedConsumer implements BusConsumer, GroupMembership.AssignmentTarget {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedConsumer.class);

    private enum Mode { NONE, MANUAL, GROUP }

    /** Fetch state of one assigned partition; position null until resolved from the committed offset or the reset policy. */
    private static final class FetchState {
        Long position;
        boolean paused;
    }

    private final EmbeddedBus bus;
    private final ConsumerConfig config;
    private final LinkedHashMap<TopicPartition, FetchState> assigned = new LinkedHashMap<>();
    private Mode mode = Mode.NONE;
    private volatile GroupMembership membership; // read by wakeup() from another thread
    /** Set by wakeup(); the wait in progress, if any, is completed so the poll returns at once. */
    private volatile boolean wakeupRequested;
    private volatile CompletableFuture<Void> currentWait;
    private long nextAutoCommitMs;
    private int rotation;
    private boolean closed;

    EmbeddedConsumer(EmbeddedBus bus, ConsumerConfig config) {
        this.bus = bus;
        this.config = config;
        this.nextAutoCommitMs = System.currentTimeMillis() + config.autoCommitIntervalMs();
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        if (mode == Mode.GROUP) {
            throw new IllegalStateException("Consumer is subscribed to a group: call unsubscribe() before assign()");
        }
        for (TopicPartition tp : partitions) {
            bus.partitionLog(tp); // fails clearly for an unknown topic or partition
        }
        assigned.keySet().retainAll(new HashSet<>(partitions));
        partitions.forEach(tp -> assigned.computeIfAbsent(tp, k -> new FetchState()));
        mode = partitions.isEmpty() ? Mode.NONE : Mode.MANUAL;
    }

    @Override
    public void subscribe(Collection<String> topics, RebalanceListener listener) {
        for (String topic : topics) {
            if (bus.config().autoCreateTopics()) {
                bus.topicForProduce(topic);
            }
        }
        startGroup(topics, null, listener);
    }

    @Override
    public void subscribe(Pattern pattern, RebalanceListener listener) {
        startGroup(List.of(), pattern, listener);
    }

    private void startGroup(Collection<String> topics, Pattern pattern, RebalanceListener listener) {
        ensureOpen();
        if (mode == Mode.MANUAL) {
            throw new IllegalStateException("Consumer has manually assigned partitions: call unsubscribe() before subscribe()");
        }
        membership().subscribe(List.copyOf(topics), pattern, listener == null ? RebalanceListener.NONE : listener, this);
        mode = Mode.GROUP;
    }

    @Override
    public void unsubscribe() {
        ensureOpen();
        if (mode == Mode.GROUP) {
            membership.unsubscribe();
        }
        assigned.clear();
        mode = Mode.NONE;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assigned.keySet());
    }

    @Override
    public List<ConsumedRecord> poll(Duration timeout) {
        ensureOpen();
        if (mode == Mode.NONE) {
            throw new IllegalStateException("Consumer is not subscribed to any topic nor assigned any partition");
        }
        long deadline = System.currentTimeMillis() + Math.max(0, timeout.toMillis());
        while (true) {
            if (mode == Mode.GROUP) {
                membership.poll(Duration.ofMillis(Math.max(0, deadline - System.currentTimeMillis())));
            }
            maybeAutoCommit();
            List<ConsumedRecord> records = fetchAvailable();
            if (!records.isEmpty()) {
                return records;
            }
            long remaining = deadline - System.currentTimeMillis();
            if (remaining <= 0 || consumeWakeup()) {
                return List.of();
            }
            // In a group the protocol needs attention between heartbeats, so wait in slices.
            long wait = mode == Mode.GROUP ? Math.min(remaining, config.heartbeatIntervalMs()) : remaining;
            awaitData(wait);
        }
    }

    private boolean consumeWakeup() {
        if (wakeupRequested) {
            wakeupRequested = false;
            return true;
        }
        return false;
    }

    /** Waits until any fetchable partition has data past its position, the wait ends, or wakeup() is called. */
    private void awaitData(long waitMs) {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (Map.Entry<TopicPartition, FetchState> e : assigned.entrySet()) {
            FetchState state = e.getValue();
            if (!state.paused && state.position != null) {
                waits.add(bus.partitionLog(e.getKey()).awaitHighWatermarkAbove(state.position));
            }
        }
        if (mode == Mode.GROUP && membership != null) {
            waits.add(membership.pollNeeded()); // a rebalance started: poll now rather than at the end of the wait
        }
        // One fresh future per wait, completed by whichever comes first: nothing long-lived collects callbacks.
        CompletableFuture<Void> any = new CompletableFuture<>();
        waits.forEach(w -> w.whenComplete((v, e) -> any.complete(null)));
        currentWait = any;
        if (wakeupRequested) {
            any.complete(null);
        }
        try {
            any.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // nothing arrived in time, or a log closed: the caller's loop decides what next
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            currentWait = null;
            waits.forEach(w -> w.cancel(false)); // lets the log drop the waiter
        }
    }

    private List<ConsumedRecord> fetchAvailable() {
        List<TopicPartition> order = new ArrayList<>(assigned.keySet());
        if (order.isEmpty()) {
            return List.of();
        }
        rotation = (rotation + 1) % order.size();
        List<ConsumedRecord> out = new ArrayList<>();
        for (int i = 0; i < order.size() && out.size() < config.maxPollRecords(); i++) {
            TopicPartition tp = order.get((rotation + i) % order.size());
            FetchState state = assigned.get(tp);
            if (state.paused) {
                continue;
            }
            fetch(tp, state, out);
        }
        return out;
    }

    private void fetch(TopicPartition tp, FetchState state, List<ConsumedRecord> out) {
        PartitionLog log = bus.partitionLog(tp);
        if (state.position == null) {
            state.position = initialPosition(tp, log);
        }
        LogReadResult read;
        try {
            read = log.read(state.position, config.fetchMaxBytes(), true);
        } catch (OffsetOutOfRangeException e) {
            long reset = resetPosition(tp, log, e);
            LOG.warn("Offset {} of {} is out of range (log {}..{}): reset to {} by auto.offset.reset={}",
                    state.position, tp, log.logStartOffset(), log.highWatermark(), reset, config.autoOffsetReset());
            state.position = reset;
            return;
        }
        RecordBatchReader.Decoded decoded = RecordBatchReader.decode(tp.topic(), tp.partition(), read.records(),
                state.position, config.maxPollRecords() - out.size());
        out.addAll(decoded.records());
        state.position = Math.min(decoded.nextOffset(), read.highWatermark());
    }

    private long initialPosition(TopicPartition tp, PartitionLog log) {
        if (config.groupId() != null) {
            CommittedOffset committed = membership().committed(Set.of(tp)).get(tp);
            if (committed != null) {
                return committed.offset();
            }
        }
        return resetPosition(tp, log, null);
    }

    private long resetPosition(TopicPartition tp, PartitionLog log, OffsetOutOfRangeException cause) {
        return switch (config.autoOffsetReset()) {
            case EARLIEST -> log.logStartOffset();
            case LATEST -> log.highWatermark();
            case NONE -> throw new NoOffsetForPartitionException("No valid offset for " + tp + (cause != null ? " (" + cause.getMessage() + ")" : "")
                    + " and auto.offset.reset is none: seek() to an offset, or use earliest/latest");
        };
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Cannot seek " + partition + " to negative offset " + offset);
        }
        requireAssigned(partition).position = offset;
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            requireAssigned(tp).position = bus.partitionLog(tp).logStartOffset();
        }
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            requireAssigned(tp).position = bus.partitionLog(tp).highWatermark();
        }
    }

    @Override
    public long position(TopicPartition partition) {
        FetchState state = requireAssigned(partition);
        if (state.position == null) {
            state.position = initialPosition(partition, bus.partitionLog(partition));
        }
        return state.position;
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> requireAssigned(tp).paused = true);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> requireAssigned(tp).paused = false);
    }

    @Override
    public Set<TopicPartition> paused() {
        Set<TopicPartition> out = new HashSet<>();
        assigned.forEach((tp, s) -> {
            if (s.paused) {
                out.add(tp);
            }
        });
        return out;
    }

    @Override
    public void commitSync() {
        commitSync(currentPositions());
    }

    @Override
    public void commitSync(Map<TopicPartition, CommittedOffset> offsets) {
        ensureOpen();
        if (!offsets.isEmpty()) {
            membership().commitSync(offsets);
        }
    }

    @Override
    public void commitAsync(Map<TopicPartition, CommittedOffset> offsets,
                            BiConsumer<Map<TopicPartition, CommittedOffset>, Throwable> callback) {
        ensureOpen();
        membership().commitAsync(offsets, callback == null ? (o, e) -> { } : callback);
    }

    @Override
    public Map<TopicPartition, CommittedOffset> committed(Set<TopicPartition> partitions) {
        return membership().committed(partitions);
    }

    @Override
    public void wakeup() {
        wakeupRequested = true;
        CompletableFuture<Void> wait = currentWait;
        if (wait != null) {
            wait.complete(null);
        }
        GroupMembership m = membership;
        if (m != null) {
            m.wakeup(); // a poll blocked in a group join returns too
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (config.enableAutoCommit() && config.groupId() != null && !assigned.isEmpty()) {
                commitSync();
            }
        } finally {
            closed = true;
            if (membership != null) {
                membership.close();
            }
            assigned.clear();
        }
    }

    @Override
    public void partitionsAdded(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> assigned.computeIfAbsent(tp, k -> new FetchState()));
    }

    @Override
    public void partitionsRemoved(Collection<TopicPartition> partitions) {
        partitions.forEach(assigned::remove);
    }

    /** What the group auto-commits before it gives partitions up in a rebalance (enable.auto.commit). */
    @Override
    public Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> out = new HashMap<>();
        currentPositions().forEach((tp, c) -> out.put(tp, c.offset()));
        return out;
    }

    private Map<TopicPartition, CommittedOffset> currentPositions() {
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        assigned.forEach((tp, s) -> {
            if (s.position != null) {
                offsets.put(tp, new CommittedOffset(s.position));
            }
        });
        return offsets;
    }

    private void maybeAutoCommit() {
        if (!config.enableAutoCommit() || config.groupId() == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now >= nextAutoCommitMs) {
            nextAutoCommitMs = now + config.autoCommitIntervalMs();
            Map<TopicPartition, CommittedOffset> offsets = currentPositions();
            if (!offsets.isEmpty()) {
                membership().commitAsync(offsets, (o, e) -> {
                    if (e != null) {
                        LOG.warn("Auto-commit of group '{}' failed: {}", config.groupId(), e.getMessage());
                    }
                });
            }
        }
    }

    private GroupMembership membership() {
        if (config.groupId() == null) {
            throw new InvalidConfigException("This consumer has no group id: set ConsumerConfig.groupId to subscribe, commit"
                    + " or read committed offsets");
        }
        if (membership == null) {
            membership = bus.groupCoordinator().newMembership(config);
        }
        return membership;
    }

    private FetchState requireAssigned(TopicPartition tp) {
        FetchState state = assigned.get(tp);
        if (state == null) {
            throw new IllegalStateException("Partition " + tp + " is not assigned to this consumer (assigned: " + assigned.keySet() + ")");
        }
        return state;
    }

    private void ensureOpen() {
        if (closed) {
            throw new BusClosedException("Consumer is closed");
        }
    }
}
