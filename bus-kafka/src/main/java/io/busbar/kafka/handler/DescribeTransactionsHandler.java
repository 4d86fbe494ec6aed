package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.kafka.txn.TransactionCoordinator;
import io.busbar.kafka.txn.TransactionCoordinator.TransactionView;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicDataCollection;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/** DescribeTransactions: state, producer, timeout, start and partitions of each asked transactional id. Thread-safe. */
final class DescribeTransactionsHandler implements ApiHandler {

    private final TransactionCoordinator coordinator;

    DescribeTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DescribeTransactionsRequestData request = (DescribeTransactionsRequestData) message;
        Map<String, TransactionView> known = coordinator.transactions().stream()
                .collect(Collectors.toMap(TransactionView::transactionalId, Function.identity()));
        DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
        for (String id : request.transactionalIds()) {
            DescribeTransactionsResponseData.TransactionState state =
                    new DescribeTransactionsResponseData.TransactionState().setTransactionalId(id);
            TransactionView t = known.get(id);
            if (t == null) {
                state.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code()).setTransactionState("")
                        .setProducerId(-1).setProducerEpoch((short) -1).setTransactionStartTimeMs(-1);
            } else {
                Map<String, List<Integer>> byTopic = new TreeMap<>();
                for (TopicPartition tp : t.partitions()) {
                    byTopic.computeIfAbsent(tp.topic(), x -> new ArrayList<>()).add(tp.partition());
                }
                TopicDataCollection topics = new TopicDataCollection();
                byTopic.forEach((topic, partitions) -> topics.add(new TopicData().setTopic(topic).setPartitions(partitions)));
                state.setErrorCode(Errors.NONE.code()).setTransactionState(t.state()).setTransactionTimeoutMs(t.timeoutMs())
                        .setTransactionStartTimeMs(t.startMs()).setProducerId(t.producerId())
                        .setProducerEpoch(t.producerEpoch()).setTopics(topics);
            }
            response.transactionStates().add(state);
        }
        return CompletableFuture.completedFuture(response);
    }
}
