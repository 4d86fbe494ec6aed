package io.busbar.kafka.handler;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import io.busbar.kafka.txn.TransactionCoordinator;
import io.busbar.kafka.txn.TransactionMarkers;
import org.apache.kafka.common.protocol.ApiKeys;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Wires the transaction coordinator to the bus (markers through the producer state table, offsets into the group
 * coordinator) and registers the transaction APIs.
 */
final class TransactionHandlers {

    private TransactionHandlers() {
    }

    static TransactionCoordinator register(EmbeddedBus bus, Path stateDir, ProducerStateTable producers,
                                           ProducerIdAllocator ids, Map<ApiKeys, ApiHandler> handlers) {
        TransactionCoordinator coordinator = new TransactionCoordinator(stateDir, new LogMarkers(bus, producers), ids::nextId);
        handlers.put(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdHandler(ids, coordinator));
        handlers.put(ApiKeys.ADD_PARTITIONS_TO_TXN, new AddPartitionsToTxnHandler(coordinator));
        handlers.put(ApiKeys.ADD_OFFSETS_TO_TXN, new AddOffsetsToTxnHandler(coordinator));
        handlers.put(ApiKeys.TXN_OFFSET_COMMIT, new TxnOffsetCommitHandler(coordinator, bus.groupCoordinator()));
        handlers.put(ApiKeys.END_TXN, new EndTxnHandler(coordinator));
        handlers.put(ApiKeys.LIST_TRANSACTIONS, new ListTransactionsHandler(coordinator));
        handlers.put(ApiKeys.DESCRIBE_TRANSACTIONS, new DescribeTransactionsHandler(coordinator));
        return coordinator;
    }

    /** Markers go through the producer state table so the partition's transaction index and epochs follow. */
    private record LogMarkers(EmbeddedBus bus, ProducerStateTable producers) implements TransactionMarkers {

        @Override
        public boolean partitionExists(TopicPartition partition) {
            Optional<TopicMetadata> topic = bus.topic(partition.topic());
            return topic.isPresent() && partition.partition() >= 0 && partition.partition() < topic.get().partitions();
        }

        @Override
        public CompletableFuture<Void> writeMarker(TopicPartition partition, long producerId, short epoch, boolean commit) {
            if (!partitionExists(partition)) {
                return CompletableFuture.completedFuture(null); // deleted since: nothing left to mark
            }
            return producers.appendMarker(partition, bus.partitionLog(partition), producerId, epoch, commit)
                    .durable().thenApply(hw -> null);
        }

        @Override
        public CompletableFuture<Void> commitOffsets(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
            return bus.groupCoordinator().commitTransactionalOffsets(groupId, offsets);
        }
    }
}
