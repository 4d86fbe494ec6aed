package io.busbar.bus.group;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The group side of one in-process consumer (what Kafka's ConsumerCoordinator is to KafkaConsumer): joins the group,
 * runs the leader's assignment, heartbeats, calls the rebalance listener and commits offsets.
 *
 * <p>Used only from the consumer's thread (not thread-safe), except that heartbeats may run on a thread of its own.
 */
public interface GroupMembership extends AutoCloseable {

    /** The consumer's fetch state, told which partitions it gained or lost. */
    interface AssignmentTarget {
        void partitionsAdded(Collection<TopicPartition> partitions);

        void partitionsRemoved(Collection<TopicPartition> partitions);

        /**
         * The consumer's position (next offset to return) in each owned partition it has started reading; what
         * auto-commit ({@code enable.auto.commit}) commits. Called on the consumer's thread.
         */
        default Map<TopicPartition, Long> positions() {
            return Map.of();
        }
    }

    /** Sets the subscription (topics, or a pattern when {@code pattern} is non-null); the next poll (re)joins. */
    void subscribe(Collection<String> topics, Pattern pattern, RebalanceListener listener, AssignmentTarget target);

    /** Leaves the group; the target loses every partition. */
    void unsubscribe();

    /**
     * Runs the protocol (join, sync, heartbeat, rebalance callbacks) without blocking longer than
     * {@code maxBlock}. Called at the start of every consumer poll; also counts as "the consumer polled" for
     * max.poll.interval.ms.
     */
    void poll(Duration maxBlock);

    /**
     * Completes when the group needs this consumer to poll soon (a rebalance started, or the member was dropped), so
     * a consumer waiting for data can stop waiting. A fresh future after each {@link #poll}; cancelling it is harmless.
     */
    default java.util.concurrent.CompletableFuture<Void> pollNeeded() {
        return new java.util.concurrent.CompletableFuture<>();
    }

    /** Makes a {@link #poll} blocked on the group protocol return early. Safe from any thread. */
    default void wakeup() {
    }

    /** Partitions currently owned by this member. */
    Set<TopicPartition> assignment();

    /** @throws io.busbar.bus.CommitFailedException when this member is stale or out of the group */
    void commitSync(Map<TopicPartition, CommittedOffset> offsets);

    void commitAsync(Map<TopicPartition, CommittedOffset> offsets,
                     BiConsumer<Map<TopicPartition, CommittedOffset>, Throwable> callback);

    Map<TopicPartition, CommittedOffset> committed(Set<TopicPartition> partitions);

    /** Leaves the group (a rebalance starts at once, without waiting for the session timeout). */
    @Override
    void close();
}
