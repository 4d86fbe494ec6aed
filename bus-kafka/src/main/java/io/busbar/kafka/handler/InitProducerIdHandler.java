package io.busbar.kafka.handler;

import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId for idempotent (non-transactional) producers: a new id with epoch 0, or, when the producer asks to
 * bump its epoch (v3+), the same id with the next epoch (a new id once the epoch would overflow). Transactions are
 * not supported: a transactional id is refused. Thread-safe.
 */
final class InitProducerIdHandler implements ApiHandler {

    private final ProducerIdAllocator ids;

    InitProducerIdHandler(ProducerIdAllocator ids) {
        this.ids = ids;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        InitProducerIdRequestData request = (InitProducerIdRequestData) message;
        InitProducerIdResponseData response = new InitProducerIdResponseData();
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
                    .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH));
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
