package io.busbar.kafka.txn;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** What the coordinator writes outside its own state: markers into partitions' logs and offsets into groups. */
public interface TransactionMarkers {

    /** Whether the partition exists (a partition added to a transaction must). */
    boolean partitionExists(TopicPartition partition);

    /**
     * Appends a commit or abort marker for the producer to the partition; completes once it is durable. A partition
     * deleted since completes at once (nothing left to mark).
     */
    CompletableFuture<Void> writeMarker(TopicPartition partition, long producerId, short epoch, boolean commit);

    /** Makes a committed transaction's offsets visible to the group; completes once they are durable. */
    CompletableFuture<Void> commitOffsets(String groupId, Map<TopicPartition, CommittedOffset> offsets);
}
