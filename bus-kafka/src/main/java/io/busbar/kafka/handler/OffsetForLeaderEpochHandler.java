package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetForLeaderEpoch, the consumer's log-truncation check. Busbar is one node that has always led every partition
 * in epoch 0 (Metadata and ListOffsets say so), so epoch 0 ends at the log end offset, as Kafka answers for the
 * current epoch, and any other epoch is unknown (-1, -1). A current leader epoch other than 0 is fenced or unknown,
 * as in Kafka. Thread-safe.
 */
final class OffsetForLeaderEpochHandler implements ApiHandler {

    private static final int EPOCH = 0;

    private final EmbeddedBus bus;

    OffsetForLeaderEpochHandler(EmbeddedBus bus) {
        this.bus = bus;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        OffsetForLeaderEpochRequestData request = (OffsetForLeaderEpochRequestData) message;
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.topics()) {
            OffsetForLeaderTopicResult topicResult = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(topicResult);
            Optional<TopicMetadata> meta = bus.topic(topic.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                EpochEndOffset r = new EpochEndOffset().setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
                topicResult.partitions().add(r);
                if (meta.isEmpty() || p.partition() < 0 || p.partition() >= meta.get().partitions()) {
                    r.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (p.currentLeaderEpoch() > EPOCH) {
                    r.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
                } else if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() < EPOCH) {
                    r.setErrorCode(Errors.FENCED_LEADER_EPOCH.code());
                } else {
                    r.setErrorCode(Errors.NONE.code());
                    if (p.leaderEpoch() == EPOCH) {
                        long end = bus.partitionLog(new TopicPartition(topic.topic(), p.partition())).logEndOffset();
                        r.setLeaderEpoch(EPOCH).setEndOffset(end);
                    }
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
