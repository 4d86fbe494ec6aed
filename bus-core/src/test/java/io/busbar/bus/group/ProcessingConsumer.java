package io.busbar.bus.group;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusException;
import io.busbar.bus.CommitFailedException;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A pipeline-like group consumer on its own thread: poll, process (hand each record to a sink), commit what was
 * processed; commit in onPartitionsRevoked too. It can stop cleanly (close) or be killed (stop polling and
 * heartbeating without leaving, as a crashed process would).
 */
final class ProcessingConsumer {
    final String clientId;
    private final String groupId;
    private final Bus bus;
    private final BusConsumer consumer;
    private final Consumer<ConsumedRecord> sink;
    private final Thread thread;
    private final Map<TopicPartition, Long> processed = new HashMap<>();
    final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Partitions given up through onPartitionsRevoked, in total. */
    final java.util.concurrent.atomic.AtomicInteger revokedPartitions = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running = true;

    ProcessingConsumer(Bus bus, ConsumerConfig config, String topic, Consumer<ConsumedRecord> sink) {
        this.clientId = config.clientId();
        this.groupId = config.groupId();
        this.bus = bus;
        this.sink = sink;
        this.consumer = bus.consumer(config);
        this.thread = new Thread(() -> run(topic), clientId);
        thread.start();
    }

    static ConsumerConfig.Builder config(String groupId, String clientId) {
        return ConsumerConfig.builder().groupId(groupId).clientId(clientId).sessionTimeoutMs(1500)
                .heartbeatIntervalMs(200).maxPollRecords(50);
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic), new RebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revokedPartitions.addAndGet(partitions.size());
                    commitProcessed();
                    partitions.forEach(processed::remove);
                    assigned.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned.addAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    partitions.forEach(processed::remove);
                    assigned.removeAll(partitions);
                }
            });
            while (running) {
                List<ConsumedRecord> records = consumer.poll(Duration.ofMillis(100));
                if (!running) {
                    return; // a kill lands between poll and processing: nothing of this batch is processed
                }
                for (ConsumedRecord r : records) {
                    sink.accept(r);
                    processed.put(r.topicPartition(), r.offset() + 1);
                }
                commitProcessed();
            }
        } catch (Throwable t) {
            if (running) {
                failure.set(t);
            }
        }
    }

    private void commitProcessed() {
        if (processed.isEmpty()) {
            return;
        }
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        processed.forEach((tp, next) -> offsets.put(tp, new CommittedOffset(next)));
        try {
            consumer.commitSync(offsets);
            processed.clear();
        } catch (CommitFailedException e) {
            // Stale after a rebalance: the new owner reprocesses from the last commit (at-least-once).
            processed.clear();
        }
    }

    /** Stops polling and closes: leaves the group after committing in onPartitionsRevoked. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(30_000);
        try {
            consumer.close();
        } catch (BusException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Dies: its heartbeats stop and it never polls, commits or leaves again. */
    void kill() throws InterruptedException {
        GroupCoordinator coordinator = ((EmbeddedBus) bus).groupCoordinator();
        for (ConsumerGroupMember m : coordinator.inProcessMembers(groupId)) {
            if (m.clientId().equals(clientId)) {
                m.stopHeartbeats();
            }
        }
        running = false;
        thread.join(30_000);
    }

    /** Releases a killed consumer's resources at the end of a test (it already left the group by timing out). */
    void closeQuietly() {
        try {
            consumer.close();
        } catch (RuntimeException e) {
            // already removed from its group: a refused commit or leave is expected here
        }
    }
}
