package io.busbar.bus.group;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.PartitionLog;

import java.util.Set;

/** What the group coordinator needs from the bus it runs in. Implemented by the embedded bus. Thread-safe. */
public interface GroupContext {

    /** Partition count of a topic, or -1 when it does not exist. */
    int partitionCount(String topic);

    /** Names of the user (non-internal) topics, for pattern subscriptions. */
    Set<String> topicNames();

    long startOffset(TopicPartition partition);

    /** The high watermark: offset after the last durable record. */
    long endOffset(TopicPartition partition);

    /** The earliest offset whose timestamp is at or after {@code timestamp}, or -1 when none. */
    long offsetForTimestamp(TopicPartition partition, long timestamp);

    /** The single partition of the internal compacted topic {@code __consumer_offsets} where commits are stored. */
    PartitionLog offsetsLog();

    long nowMs();
}
