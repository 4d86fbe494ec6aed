package io.busbar.kafka.txn;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One transactional id's producer and current transaction. Mutable; touched only on the coordinator's thread.
 */
final class TransactionMetadata {

    final String transactionalId;
    long producerId;
    short producerEpoch;
    int timeoutMs;
    TransactionState state = TransactionState.EMPTY;
    /** When the current transaction started (its first partition or group), wall clock; -1 when none. */
    long startMs = -1;
    long lastUpdateMs;
    final Set<TopicPartition> partitions = new LinkedHashSet<>();
    /** Groups added by AddOffsetsToTxn, with the offsets TxnOffsetCommit sent for them (visible at commit). */
    final Map<String, Map<TopicPartition, CommittedOffset>> pendingOffsets = new LinkedHashMap<>();

    TransactionMetadata(String transactionalId, long producerId, short producerEpoch, int timeoutMs, long nowMs) {
        this.transactionalId = transactionalId;
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.timeoutMs = timeoutMs;
        this.lastUpdateMs = nowMs;
    }

    void beginIfNeeded(long nowMs) {
        if (state != TransactionState.ONGOING) {
            state = TransactionState.ONGOING;
            startMs = nowMs;
            partitions.clear();
            pendingOffsets.clear();
        }
        lastUpdateMs = nowMs;
    }

    void complete(long nowMs) {
        state = state == TransactionState.PREPARE_COMMIT ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
        partitions.clear();
        pendingOffsets.clear();
        startMs = -1;
        lastUpdateMs = nowMs;
    }
}
