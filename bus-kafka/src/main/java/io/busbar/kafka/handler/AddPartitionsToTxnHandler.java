package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResultCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * AddPartitionsToTxn in the producer's form (v0-3: one transaction per request; v4+ is Kafka's broker-to-broker
 * verification form, which clients do not send). Answered once the partitions are durable in the transaction
 * state. Thread-safe.
 */
final class AddPartitionsToTxnHandler implements ApiHandler {

    private final TransactionCoordinator coordinator;

    AddPartitionsToTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        AddPartitionsToTxnRequestData request = (AddPartitionsToTxnRequestData) message;
        List<TopicPartition> partitions = new ArrayList<>();
        request.v3AndBelowTopics().forEach(t -> t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(), p))));
        return coordinator.addPartitions(request.v3AndBelowTransactionalId(), request.v3AndBelowProducerId(),
                request.v3AndBelowProducerEpoch(), partitions).thenApply(AddPartitionsToTxnHandler::response);
    }

    private static ApiMessage response(Map<TopicPartition, Errors> errors) {
        Map<String, AddPartitionsToTxnPartitionResultCollection> byTopic = new LinkedHashMap<>();
        errors.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(), t -> new AddPartitionsToTxnPartitionResultCollection())
                .add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(tp.partition()).setPartitionErrorCode(error.code())));
        AddPartitionsToTxnTopicResultCollection topics = new AddPartitionsToTxnTopicResultCollection();
        byTopic.forEach((name, results) -> topics.add(new AddPartitionsToTxnTopicResult().setName(name).setResultsByPartition(results)));
        return new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(topics);
    }
}
