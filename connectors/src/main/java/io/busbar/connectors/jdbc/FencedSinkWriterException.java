package io.busbar.connectors.jdbc;

import io.busbar.bus.TopicPartition;

import java.sql.SQLException;

/**
 * The exactly-once sink lost a partition to another member of its group (a rebalance it has not seen yet): its offset
 * write matched no row of the offsets table, so its transaction is rolled back and the batch is not retried by this
 * member. Not a data error: nothing goes to the dead-letter topic.
 */
public final class FencedSinkWriterException extends SQLException {

    private final transient TopicPartition partition;

    FencedSinkWriterException(String groupId, TopicPartition partition, String why) {
        super("JDBC sink (group " + groupId + ") may no longer write " + partition.topic() + "-" + partition.partition()
                + ": " + why + "; its batch is rolled back and left to the partition's current owner", "BUSF1");
        this.partition = partition;
    }

    public TopicPartition partition() {
        return partition;
    }
}
