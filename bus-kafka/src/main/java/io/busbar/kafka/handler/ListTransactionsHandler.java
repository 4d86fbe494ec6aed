package io.busbar.kafka.handler;

import io.busbar.kafka.txn.TransactionCoordinator;
import io.busbar.kafka.txn.TransactionCoordinator.TransactionView;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** ListTransactions: every transactional id, filtered by state, producer id and (v1+) open duration. Thread-safe. */
final class ListTransactionsHandler implements ApiHandler {

    private final TransactionCoordinator coordinator;

    ListTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        ListTransactionsRequestData request = (ListTransactionsRequestData) message;
        long now = System.currentTimeMillis();
        long minDuration = context.apiVersion() >= 1 ? request.durationFilter() : -1;
        List<ListTransactionsResponseData.TransactionState> states = new ArrayList<>();
        for (TransactionView t : coordinator.transactions()) {
            if (!request.stateFilters().isEmpty() && !request.stateFilters().contains(t.state())) {
                continue;
            }
            if (!request.producerIdFilters().isEmpty() && !request.producerIdFilters().contains(t.producerId())) {
                continue;
            }
            if (minDuration >= 0 && (t.startMs() < 0 || now - t.startMs() < minDuration)) {
                continue;
            }
            states.add(new ListTransactionsResponseData.TransactionState().setTransactionalId(t.transactionalId())
                    .setProducerId(t.producerId()).setTransactionState(t.state()));
        }
        return CompletableFuture.completedFuture(new ListTransactionsResponseData().setErrorCode(Errors.NONE.code())
                .setTransactionStates(states));
    }
}
