package io.busbar.kafka.handler;

import io.busbar.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/** AddOffsetsToTxn: the group's offsets join the transaction (sent next by TxnOffsetCommit). Thread-safe. */
final class AddOffsetsToTxnHandler implements ApiHandler {

    private final TransactionCoordinator coordinator;

    AddOffsetsToTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        AddOffsetsToTxnRequestData request = (AddOffsetsToTxnRequestData) message;
        return coordinator.addOffsets(request.transactionalId(), request.producerId(), request.producerEpoch(), request.groupId())
                .thenApply(error -> new AddOffsetsToTxnResponseData().setErrorCode(error.code()));
    }
}
