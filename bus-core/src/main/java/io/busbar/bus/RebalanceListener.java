package io.busbar.bus;

import java.util.Collection;

/**
 * Called on the polling thread, inside {@link BusConsumer#poll}, when the group moves partitions.
 * A pipeline commits what it has processed in {@link #onPartitionsRevoked} before it loses a partition.
 */
public interface RebalanceListener {
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /** Partitions lost without a chance to commit (e.g. the session expired). Defaults to revoked. */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    RebalanceListener NONE = new RebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };
}
