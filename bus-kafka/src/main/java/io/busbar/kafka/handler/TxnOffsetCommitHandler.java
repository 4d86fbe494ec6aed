package io.busbar.kafka.handler;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.group.GroupCoordinator;
import io.busbar.bus.group.GroupError;
import io.busbar.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * TxnOffsetCommit: checks the group member (v3+, when the producer sends its consumer's generation), then keeps the
 * offsets with the transaction; the group sees them only if the transaction commits. Thread-safe.
 */
final class TxnOffsetCommitHandler implements ApiHandler {

    private final TransactionCoordinator transactions;
    private final GroupCoordinator groups;

    TxnOffsetCommitHandler(TransactionCoordinator transactions, GroupCoordinator groups) {
        this.transactions = transactions;
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        TxnOffsetCommitRequestData request = (TxnOffsetCommitRequestData) message;
        Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
        request.topics().forEach(t -> t.partitions().forEach(p -> offsets.put(new TopicPartition(t.name(), p.partitionIndex()),
                new CommittedOffset(p.committedOffset(), p.committedMetadata() == null ? "" : p.committedMetadata()))));
        GroupError member = context.apiVersion() >= 3
                ? groups.validateTransactionalCommit(request.groupId(), request.generationId(), request.memberId())
                : GroupError.NONE;
        CompletableFuture<Errors> result = member != GroupError.NONE
                ? CompletableFuture.completedFuture(Errors.forCode(member.code()))
                : transactions.addOffsetCommit(request.transactionalId(), request.producerId(), request.producerEpoch(),
                        request.groupId(), offsets);
        return result.thenApply(error -> {
            TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
            request.topics().forEach(t -> {
                TxnOffsetCommitResponseTopic topic = new TxnOffsetCommitResponseTopic().setName(t.name());
                t.partitions().forEach(p -> topic.partitions().add(new TxnOffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
                response.topics().add(topic);
            });
            return response;
        });
    }
}
