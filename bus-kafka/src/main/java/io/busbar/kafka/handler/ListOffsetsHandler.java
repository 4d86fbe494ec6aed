package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import io.busbar.bus.log.LogReadResult;
import io.busbar.bus.log.PartitionLog;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets: latest (-1) is the high watermark (the last stable offset for read_committed), earliest (-2, and
 * earliest-local -4) the log start, a timestamp the first record at or after it (offset -1 when none, as Kafka),
 * max-timestamp (-3) the first record with the largest timestamp. The tiered lookup (-5) is not supported and
 * answered with UNSUPPORTED_VERSION for that partition. Thread-safe.
 */
final class ListOffsetsHandler implements ApiHandler {

    static final long LATEST = -1;
    static final long EARLIEST = -2;
    static final long EARLIEST_LOCAL = -4;
    static final long MAX_TIMESTAMP = -3;

    private final EmbeddedBus bus;
    private final ProducerStateTable producers;

    ListOffsetsHandler(EmbeddedBus bus, ProducerStateTable producers) {
        this.bus = bus;
        this.producers = producers;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        ListOffsetsRequestData request = (ListOffsetsRequestData) message;
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            Optional<TopicMetadata> meta = bus.topic(topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse r = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                        .setTimestamp(-1).setOffset(-1);
                if (context.apiVersion() >= 4) {
                    r.setLeaderEpoch(0); // the field exists from v4; writing it earlier fails
                }
                topicResponse.partitions().add(r);
                if (meta.isEmpty() || p.partitionIndex() < 0 || p.partitionIndex() >= meta.get().partitions()) {
                    r.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                try {
                    PartitionLog log = bus.partitionLog(new TopicPartition(topic.name(), p.partitionIndex()));
                    // read_committed consumers' "latest" is the last stable offset (v2+ carries the isolation level)
                    long latest = context.apiVersion() >= 2 && request.isolationLevel() == IsolationLevel.READ_COMMITTED.id()
                            ? producers.lastStableOffset(log.topicPartition(), log) : log.highWatermark();
                    lookup(log, p.timestamp(), latest, r);
                } catch (RuntimeException e) {
                    r.setErrorCode(ErrorMapping.of(e).code());
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static void lookup(PartitionLog log, long timestamp, long latest, ListOffsetsPartitionResponse r) {
        if (timestamp == LATEST) {
            r.setOffset(latest);
        } else if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            r.setOffset(log.logStartOffset());
        } else if (timestamp == MAX_TIMESTAMP) {
            FileRecords.TimestampAndOffset max = log.maxTimestampOffset();
            if (max != null) {
                r.setOffset(max.offset).setTimestamp(max.timestamp);
            }
        } else if (timestamp >= 0) {
            long offset = log.offsetForTimestamp(timestamp);
            if (offset >= 0 && offset < log.highWatermark()) {
                r.setOffset(offset).setTimestamp(timestampAt(log, offset, timestamp));
            }
        } else {
            r.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
            return;
        }
        r.setErrorCode(Errors.NONE.code());
    }

    /** The found record's own timestamp (clients show it); falls back to the one asked for. */
    private static long timestampAt(PartitionLog log, long offset, long asked) {
        LogReadResult read = log.read(offset, 1, true);
        for (RecordBatch batch : read.records().batches()) {
            for (Record record : batch) {
                if (record.offset() == offset) {
                    return record.timestamp();
                }
            }
        }
        return asked;
    }
}
