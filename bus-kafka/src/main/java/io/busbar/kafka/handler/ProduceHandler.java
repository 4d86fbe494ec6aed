package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import io.busbar.bus.log.PartitionLog;
import io.busbar.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Produce: validates each partition's batch as Kafka does (exactly one magic-v2 batch, no control batch, a
 * transactional batch only from the transaction's current producer into a partition added to its open transaction,
 * zstd only from v7), passes it through the idempotence check and appends it as it arrived, compressed or not: the
 * log assigns offsets by rewriting the base offset, which is outside the CRC. The CRC is checked once, by the log's
 * append (a {@code CorruptRecordException}, answered as {@code CORRUPT_MESSAGE}), since reading every byte twice
 * per batch cost about 2% of the broker's produce CPU. Two places check it before that: a topic with
 * {@code message.timestamp.type=LogAppendTime}, before the batch's CRC is rewritten with the broker's time, and the
 * idempotence check, before it answers a duplicate with the original's offset (a duplicate never reaches the log).
 *
 * <p>acks=1 and acks=all answer once the append is durable (the log's {@code durable} future); with one node they
 * mean the same. acks=0 gets no response; if any partition failed, the connection is closed so the client notices,
 * as Kafka does. Thread-safe.
 */
final class ProduceHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);

    private final EmbeddedBus bus;
    private final ProducerStateTable producers;
    private final TransactionCoordinator transactions;

    ProduceHandler(EmbeddedBus bus, ProducerStateTable producers, TransactionCoordinator transactions) {
        this.bus = bus;
        this.producers = producers;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        ProduceRequestData request = (ProduceRequestData) message;
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<?>> durable = new ArrayList<>();
        StringBuilder failures = new StringBuilder();
        for (ProduceRequestData.TopicProduceData topicData : request.topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse().setName(topicData.name());
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse p = new PartitionProduceResponse().setIndex(partitionData.index())
                        .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                topicResponse.partitionResponses().add(p);
                try {
                    ProducerStateTable.Appended appended = append(context, request, topicData.name(), partitionData, p);
                    p.setBaseOffset(appended.baseOffset()).setErrorCode(Errors.NONE.code());
                    if (request.acks() != 0) {
                        durable.add(appended.durable().handle((hw, error) -> {
                            if (error != null) {
                                fail(p, ErrorMapping.of(error), ErrorMapping.message(error));
                            }
                            return null;
                        }));
                    }
                } catch (ProduceRejectedException e) {
                    fail(p, e.error(), e.getMessage());
                    failures.append(' ').append(e.getMessage());
                } catch (RuntimeException e) {
                    Errors error = ErrorMapping.of(e);
                    if (error == Errors.UNKNOWN_SERVER_ERROR) {
                        LOG.warn("Produce to {}-{} failed", topicData.name(), partitionData.index(), e);
                    }
                    fail(p, error, ErrorMapping.message(e));
                    failures.append(' ').append(topicData.name()).append('-').append(partitionData.index())
                            .append(": ").append(error.name());
                }
            }
        }
        if (request.acks() == 0) {
            if (failures.length() > 0) {
                // no response to carry the error: Kafka closes the connection so the producer notices
                return CompletableFuture.failedFuture(new ProduceRejectedException(Errors.UNKNOWN_SERVER_ERROR,
                        "acks=0 produce failed, closing the connection:" + failures));
            }
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private static void fail(PartitionProduceResponse p, Errors error, String message) {
        p.setErrorCode(error.code()).setErrorMessage(message).setBaseOffset(-1);
    }

    private ProducerStateTable.Appended append(RequestContext context, ProduceRequestData request, String topicName,
                                               ProduceRequestData.PartitionProduceData data, PartitionProduceResponse p) {
        Optional<TopicMetadata> topic = bus.topic(topicName);
        if (topic.isEmpty() || data.index() < 0 || data.index() >= topic.get().partitions()) {
            throw new ProduceRejectedException(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Unknown topic or partition " + topicName + "-" + data.index());
        }
        TopicPartition tp = new TopicPartition(topicName, data.index());
        if (!(data.records() instanceof MemoryRecords records)) {
            throw new ProduceRejectedException(Errors.CORRUPT_MESSAGE, "Produce to " + tp + " carries no records");
        }
        RecordBatch batch = validate(tp, records, context.apiVersion());
        if (batch.isTransactional()) {
            Errors error = request.transactionalId() == null ? Errors.INVALID_RECORD
                    : transactions.verifyProduce(request.transactionalId(), batch.producerId(), batch.producerEpoch(), tp);
            if (error != Errors.NONE) {
                throw new ProduceRejectedException(error, "Transactional batch of producer " + batch.producerId()
                        + " epoch " + batch.producerEpoch() + " for " + tp + " refused: " + error.name()
                        + (error == Errors.INVALID_TXN_STATE ? " (the partition is not in an open transaction of "
                        + request.transactionalId() + ")" : ""));
            }
        }
        if (topic.get().config().logAppendTime()) {
            requireValidCrc(tp, batch); // before setMaxTimestamp computes a new CRC over whatever the batch holds
            // message.timestamp.type=LogAppendTime: the batch carries the broker's time (attributes, max timestamp
            // and CRC rewritten in place, as Kafka's LogValidator does) and the producer learns it from the response
            long now = System.currentTimeMillis();
            ((MutableRecordBatch) batch).setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
            p.setLogAppendTimeMs(now);
        }
        PartitionLog log = bus.partitionLog(tp);
        return producers.append(tp, log, records, batch);
    }

    /**
     * The CRC check for the two places that cannot leave it to the log's append (see the class comment); the append
     * itself answers a bad CRC with its own {@code CorruptRecordException}.
     */
    static void requireValidCrc(TopicPartition tp, RecordBatch batch) {
        if (!batch.isValid()) {
            throw new ProduceRejectedException(Errors.CORRUPT_MESSAGE, "Record batch for " + tp
                    + " fails its CRC check: it was corrupted in transit or by the client");
        }
    }

    /**
     * Kafka's rules from ProduceRequest.validateRecords and LogValidator, for what a client can send; all but the CRC,
     * which the log's append checks.
     */
    static RecordBatch validate(TopicPartition tp, MemoryRecords records, short version) {
        MutableRecordBatch batch;
        try {
            Iterator<MutableRecordBatch> it = records.batches().iterator();
            if (!it.hasNext()) {
                throw new ProduceRejectedException(Errors.INVALID_RECORD, "Produce to " + tp + " holds no record batch");
            }
            batch = it.next();
            if (it.hasNext()) {
                throw new ProduceRejectedException(Errors.INVALID_RECORD,
                        "Produce to " + tp + " holds more than one record batch; v3+ allows exactly one");
            }
            if (batch.sizeInBytes() != records.sizeInBytes()) {
                throw new ProduceRejectedException(Errors.CORRUPT_MESSAGE, "Produce to " + tp + " has "
                        + (records.sizeInBytes() - batch.sizeInBytes()) + " trailing bytes after its record batch");
            }
        } catch (org.apache.kafka.common.errors.CorruptRecordException e) {
            throw new ProduceRejectedException(Errors.CORRUPT_MESSAGE, "Produce to " + tp + ": " + e.getMessage());
        }
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new ProduceRejectedException(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT,
                    "Produce to " + tp + " uses message format v" + batch.magic() + "; Busbar stores v2 only");
        }
        if (batch.isControlBatch()) {
            throw new ProduceRejectedException(Errors.INVALID_RECORD,
                    "Produce to " + tp + " carries a control batch; only the transaction coordinator writes those");
        }
        if (batch.compressionType() == CompressionType.ZSTD && version < 7) {
            throw new ProduceRejectedException(Errors.UNSUPPORTED_COMPRESSION_TYPE,
                    "zstd needs Produce v7 or later, got v" + version);
        }
        if (batch.producerId() != RecordBatch.NO_PRODUCER_ID && batch.baseSequence() < 0) {
            throw new ProduceRejectedException(Errors.INVALID_RECORD,
                    "Batch of producer " + batch.producerId() + " for " + tp + " has no sequence number");
        }
        Integer count = batch.countOrNull();
        if (count == null || count <= 0 || batch.lastOffset() - batch.baseOffset() + 1 != count) {
            throw new ProduceRejectedException(Errors.INVALID_RECORD,
                    "Record batch for " + tp + " has a record count that does not match its offset range");
        }
        return batch;
    }
}
