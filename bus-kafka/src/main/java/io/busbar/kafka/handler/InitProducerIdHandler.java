package io.busbar.kafka.handler;

import io.busbar.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId. For idempotent producers: a new id with epoch 0, or, when the producer asks to bump its epoch
 * (v3+), the same id with the next epoch (a new id once the epoch would overflow). With a transactional id the
 * transaction coordinator answers: the id's producer with its epoch bumped, which fences the previous one.
 * Thread-safe.
 */
final class InitProducerIdHandler implements ApiHandler {

    private final ProducerIdAllocator ids;
    private final TransactionCoordinator transactions;

    InitProducerIdHandler(ProducerIdAllocator ids, TransactionCoordinator transactions) {
        this.ids = ids;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        InitProducerIdRequestData request = (InitProducerIdRequestData) message;
        InitProducerIdResponseData response = new InitProducerIdResponseData();
        if (request.transactionalId() != null) {
            long producerId = context.apiVersion() >= 3 ? request.producerId() : RecordBatch.NO_PRODUCER_ID;
            short producerEpoch = context.apiVersion() >= 3 ? request.producerEpoch() : RecordBatch.NO_PRODUCER_EPOCH;
            return transactions.initProducerId(request.transactionalId(), request.transactionTimeoutMs(), producerId, producerEpoch)
                    .thenApply(r -> response.setErrorCode(r.error().code()).setProducerId(r.producerId())
                            .setProducerEpoch(r.producerEpoch()));
        }
        long id = request.producerId();
        short epoch = request.producerEpoch();
        if (id >= 0 && epoch >= 0 && epoch < Short.MAX_VALUE - 1) {
            response.setProducerId(id).setProducerEpoch((short) (epoch + 1));
        } else {
            response.setProducerId(ids.nextId()).setProducerEpoch((short) 0);
        }
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
    }
}
