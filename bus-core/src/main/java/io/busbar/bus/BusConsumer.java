package io.busbar.bus;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Reads records, Kafka style: either manually ({@link #assign}, {@link #seek}) or as a member of a consumer group
 * ({@link #subscribe}), never both. Records are returned only up to the high watermark (durable records).
 * Offsets are "next record to read", as in Kafka.
 *
 * <p>Not thread-safe: use from one thread, except {@link #wakeup()}.
 */
public interface BusConsumer extends AutoCloseable {

    void assign(Collection<TopicPartition> partitions);

    /** Joins the group (config groupId required) for these topics. */
    void subscribe(Collection<String> topics, RebalanceListener listener);

    /** Joins the group for every topic, present or future, whose name matches. */
    void subscribe(Pattern pattern, RebalanceListener listener);

    void unsubscribe();

    /** Partitions currently assigned (manually or by the group). */
    Set<TopicPartition> assignment();

    /**
     * Returns available records, waiting up to {@code timeout} for some to arrive (long-poll: wakes as soon as
     * data is appended). Drives the group protocol: rebalance callbacks run inside this call.
     */
    List<ConsumedRecord> poll(Duration timeout);

    void seek(TopicPartition partition, long offset);

    void seekToBeginning(Collection<TopicPartition> partitions);

    void seekToEnd(Collection<TopicPartition> partitions);

    /** Offset of the next record poll returns for this partition. */
    long position(TopicPartition partition);

    void pause(Collection<TopicPartition> partitions);

    void resume(Collection<TopicPartition> partitions);

    Set<TopicPartition> paused();

    /** Commits the positions of every assigned partition; blocks until durable. */
    void commitSync();

    /** Commits these offsets; blocks until durable. Throws {@link CommitFailedException} for a stale member. */
    void commitSync(Map<TopicPartition, CommittedOffset> offsets);

    /** Commits in the background; the callback gets the offsets and null or the error. */
    void commitAsync(Map<TopicPartition, CommittedOffset> offsets,
                     BiConsumer<Map<TopicPartition, CommittedOffset>, Throwable> callback);

    /** The group's committed offsets for these partitions (absent: none committed). */
    Map<TopicPartition, CommittedOffset> committed(Set<TopicPartition> partitions);

    /** Makes a blocked or the next {@link #poll} return early. Safe from any thread. */
    void wakeup();

    /** Commits nothing by itself (unless auto-commit is on), leaves the group, and releases resources. */
    @Override
    void close();
}
