package io.busbar.kafka.handler;

import io.busbar.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/** EndTxn: commit or abort, answered once markers, offsets and state are durable. Thread-safe. */
final class EndTxnHandler implements ApiHandler {

    private final TransactionCoordinator coordinator;

    EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        EndTxnRequestData request = (EndTxnRequestData) message;
        return coordinator.endTransaction(request.transactionalId(), request.producerId(), request.producerEpoch(),
                request.committed()).thenApply(error -> new EndTxnResponseData().setErrorCode(error.code()));
    }
}
