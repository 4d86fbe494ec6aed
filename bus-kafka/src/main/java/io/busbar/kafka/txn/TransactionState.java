package io.busbar.kafka.txn;

/**
 * Where a transactional id's current transaction stands, as in Kafka's coordinator. The Prepare states are durable
 * decisions: once one is on disk the markers are written, after a restart too.
 */
public enum TransactionState {
    /** No transaction open (a new id, or fenced and not used since). */
    EMPTY,
    /** Partitions or a group have been added: records may be in the log. */
    ONGOING,
    /** Commit decided; markers and offsets being written. */
    PREPARE_COMMIT,
    /** Abort decided; markers being written. */
    PREPARE_ABORT,
    COMPLETE_COMMIT,
    COMPLETE_ABORT;

    /** Kafka's name, as ListTransactions and DescribeTransactions report it. */
    public String kafkaName() {
        return switch (this) {
            case EMPTY -> "Empty";
            case ONGOING -> "Ongoing";
            case PREPARE_COMMIT -> "PrepareCommit";
            case PREPARE_ABORT -> "PrepareAbort";
            case COMPLETE_COMMIT -> "CompleteCommit";
            case COMPLETE_ABORT -> "CompleteAbort";
        };
    }

    boolean isPrepare() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }
}
