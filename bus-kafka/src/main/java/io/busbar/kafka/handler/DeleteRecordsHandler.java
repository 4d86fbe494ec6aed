package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import io.busbar.bus.log.PartitionLog;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * DeleteRecords ({@code kafka-delete-records}, {@code Admin.deleteRecords}, Kafka Streams purging its repartition
 * topics): moves each partition's log start offset, durably ({@link PartitionLog#deleteRecordsBefore}). Offset -1
 * means the high watermark, as in Kafka. The checkpoint fsync runs on a worker, not on the network thread.
 * Thread-safe.
 */
final class DeleteRecordsHandler implements ApiHandler {

    /** Kafka's "up to the high watermark". */
    private static final long HIGH_WATERMARK = -1;

    private final EmbeddedBus bus;
    private final Executor worker;

    DeleteRecordsHandler(EmbeddedBus bus, Executor worker) {
        this.bus = bus;
        this.worker = worker;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DeleteRecordsRequestData request = (DeleteRecordsRequestData) message;
        return CompletableFuture.supplyAsync(() -> delete(request), worker);
    }

    private ApiMessage delete(DeleteRecordsRequestData request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : request.topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            Optional<TopicMetadata> meta = bus.topic(topic.name());
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsPartitionResult r = new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                        .setLowWatermark(-1);
                topicResult.partitions().add(r);
                if (meta.isEmpty() || p.partitionIndex() < 0 || p.partitionIndex() >= meta.get().partitions()) {
                    r.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                try {
                    PartitionLog log = bus.partitionLog(new TopicPartition(topic.name(), p.partitionIndex()));
                    long before = p.offset() == HIGH_WATERMARK ? log.highWatermark() : p.offset();
                    r.setLowWatermark(log.deleteRecordsBefore(before)).setErrorCode(Errors.NONE.code());
                } catch (RuntimeException e) {
                    r.setErrorCode(ErrorMapping.of(e).code());
                }
            }
        }
        return response;
    }
}
