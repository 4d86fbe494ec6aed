package io.busbar.kafka.txn;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Kafka's transaction coordinator on one node: transactional ids, producer epochs (a new InitProducerId fences the
 * older producer), the partitions and groups of each open transaction, its offsets (visible to the group only at
 * commit), commit and abort, and the abort of transactions past their timeout.
 *
 * <p>Every state change runs on the coordinator's own thread and is written to the {@link TransactionStateFile}
 * before it is acknowledged; several changes waiting for the disk share one write. EndTxn first makes its decision
 * durable (PrepareCommit / PrepareAbort), then writes a marker to every partition of the transaction and, for a
 * commit, the offsets to the groups, waits for all of them to be durable, records the transaction complete and only
 * then answers. After a crash a decided transaction is completed on start, and an open one is aborted once its
 * timeout has passed. The log's threads only complete futures; the work continues here. Thread-safe.
 */
public final class TransactionCoordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);

    /** Kafka's {@code transaction.max.timeout.ms} default: a producer may not ask for longer. */
    public static final int MAX_TIMEOUT_MS = 15 * 60 * 1000;
    static final long EXPIRY_CHECK_MS = 1000;
    static final long RETRY_MS = 1000;

    /** InitProducerId's answer. */
    public record InitResult(Errors error, long producerId, short producerEpoch) { }

    /** One transactional id as ListTransactions and DescribeTransactions show it. */
    public record TransactionView(String transactionalId, long producerId, short producerEpoch, String state,
                                  int timeoutMs, long startMs, List<TopicPartition> partitions) { }

    private final TransactionMarkers markers;
    private final LongSupplier nextProducerId;
    private final TransactionStateFile file;
    private final ScheduledExecutorService thread;
    /** Guarded by {@code this}; changed only on {@link #thread}. */
    private final Map<String, TransactionMetadata> transactions = new LinkedHashMap<>();
    private final List<CompletableFuture<Void>> awaitingWrite = new ArrayList<>();
    private boolean writeScheduled;

    public TransactionCoordinator(Path stateDir, TransactionMarkers markers, LongSupplier nextProducerId) {
        this.markers = markers;
        this.nextProducerId = nextProducerId;
        this.file = new TransactionStateFile(stateDir);
        for (TransactionMetadata m : file.load()) {
            transactions.put(m.transactionalId, m);
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "busbar-txn-coordinator");
            t.setDaemon(true);
            return t;
        });
        thread.execute(this::recover);
        thread.scheduleWithFixedDelay(this::abortExpired, EXPIRY_CHECK_MS, EXPIRY_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ requests

    public CompletableFuture<InitResult> initProducerId(String transactionalId, int timeoutMs, long producerId, short epoch) {
        return onThread(() -> {
            if (timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
                return CompletableFuture.completedFuture(new InitResult(Errors.INVALID_TRANSACTION_TIMEOUT, -1, (short) -1));
            }
            long now = System.currentTimeMillis();
            TransactionMetadata m;
            synchronized (this) {
                m = transactions.get(transactionalId);
                if (m == null) {
                    m = new TransactionMetadata(transactionalId, nextProducerId.getAsLong(), (short) 0, timeoutMs, now);
                    transactions.put(transactionalId, m);
                    TransactionMetadata created = m;
                    return persist().thenApply(v -> new InitResult(Errors.NONE, created.producerId, created.producerEpoch));
                }
            }
            if (m.state.isPrepare()) {
                return CompletableFuture.completedFuture(new InitResult(Errors.CONCURRENT_TRANSACTIONS, -1, (short) -1));
            }
            if (producerId != RecordBatch.NO_PRODUCER_ID
                    && (producerId != m.producerId || epoch != m.producerEpoch)) {
                return CompletableFuture.completedFuture(new InitResult(Errors.PRODUCER_FENCED, -1, (short) -1));
            }
            TransactionMetadata meta = m;
            if (m.state == TransactionState.ONGOING) {
                // the previous producer left a transaction open: abort it under a new epoch, which fences that producer
                return complete(m, false, true).thenCompose(v -> onThread(() -> {
                    synchronized (this) {
                        meta.timeoutMs = timeoutMs;
                    }
                    return persist().thenApply(x -> new InitResult(Errors.NONE, meta.producerId, meta.producerEpoch));
                }));
            }
            synchronized (this) {
                bumpEpoch(m);
                m.timeoutMs = timeoutMs;
                m.state = TransactionState.EMPTY;
                m.lastUpdateMs = now;
            }
            return persist().thenApply(v -> new InitResult(Errors.NONE, meta.producerId, meta.producerEpoch));
        });
    }

    /** AddPartitionsToTxn: one error per partition (all the same unless a partition does not exist). */
    public CompletableFuture<Map<TopicPartition, Errors>> addPartitions(String transactionalId, long producerId, short epoch,
                                                                       Collection<TopicPartition> partitions) {
        return onThread(() -> {
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            TransactionMetadata m = transactions.get(transactionalId);
            Errors error = validate(m, producerId, epoch);
            if (error == Errors.NONE) {
                List<TopicPartition> unknown = partitions.stream().filter(tp -> !markers.partitionExists(tp)).toList();
                if (!unknown.isEmpty()) {
                    partitions.forEach(tp -> result.put(tp, unknown.contains(tp)
                            ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.OPERATION_NOT_ATTEMPTED));
                    return CompletableFuture.completedFuture(result);
                }
            }
            partitions.forEach(tp -> result.put(tp, error));
            if (error != Errors.NONE) {
                return CompletableFuture.completedFuture(result);
            }
            synchronized (this) {
                m.beginIfNeeded(System.currentTimeMillis());
                m.partitions.addAll(partitions);
            }
            return persist().thenApply(v -> result);
        });
    }

    /** AddOffsetsToTxn: the group's offsets will be part of the transaction. */
    public CompletableFuture<Errors> addOffsets(String transactionalId, long producerId, short epoch, String groupId) {
        return onThread(() -> {
            TransactionMetadata m = transactions.get(transactionalId);
            Errors error = validate(m, producerId, epoch);
            if (error != Errors.NONE) {
                return CompletableFuture.completedFuture(error);
            }
            synchronized (this) {
                m.beginIfNeeded(System.currentTimeMillis());
                m.pendingOffsets.computeIfAbsent(groupId, g -> new LinkedHashMap<>());
            }
            return persist().thenApply(v -> Errors.NONE);
        });
    }

    /** TxnOffsetCommit: the offsets are kept with the transaction and reach the group only if it commits. */
    public CompletableFuture<Errors> addOffsetCommit(String transactionalId, long producerId, short epoch, String groupId,
                                                     Map<TopicPartition, CommittedOffset> offsets) {
        return onThread(() -> {
            TransactionMetadata m = transactions.get(transactionalId);
            Errors error = validate(m, producerId, epoch);
            if (error == Errors.NONE && (m.state != TransactionState.ONGOING || !m.pendingOffsets.containsKey(groupId))) {
                error = Errors.INVALID_TXN_STATE; // AddOffsetsToTxn comes first
            }
            if (error != Errors.NONE) {
                return CompletableFuture.completedFuture(error);
            }
            synchronized (this) {
                m.pendingOffsets.get(groupId).putAll(offsets);
                m.lastUpdateMs = System.currentTimeMillis();
            }
            return persist().thenApply(v -> Errors.NONE);
        });
    }

    /** EndTxn: answered once the markers, the offsets (on commit) and the completed state are durable. */
    public CompletableFuture<Errors> endTransaction(String transactionalId, long producerId, short epoch, boolean commit) {
        return onThread(() -> {
            TransactionMetadata m = transactions.get(transactionalId);
            Errors error = validate(m, producerId, epoch);
            if (error != Errors.NONE) {
                return CompletableFuture.completedFuture(error);
            }
            switch (m.state) {
                case ONGOING:
                    return complete(m, commit, false).thenApply(v -> Errors.NONE);
                case COMPLETE_COMMIT:
                    return CompletableFuture.completedFuture(commit ? Errors.NONE : Errors.INVALID_TXN_STATE);
                case COMPLETE_ABORT:
                    return CompletableFuture.completedFuture(commit ? Errors.INVALID_TXN_STATE : Errors.NONE);
                default:
                    return CompletableFuture.completedFuture(Errors.INVALID_TXN_STATE);
            }
        });
    }

    /**
     * Whether a transactional batch may be appended: the producer is the id's current one and the partition was
     * added to its open transaction. Called on produce threads.
     */
    public synchronized Errors verifyProduce(String transactionalId, long producerId, short epoch, TopicPartition partition) {
        TransactionMetadata m = transactions.get(transactionalId);
        if (m == null || m.producerId != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (epoch != m.producerEpoch) {
            return epoch < m.producerEpoch ? Errors.INVALID_PRODUCER_EPOCH : Errors.PRODUCER_FENCED;
        }
        if (m.state != TransactionState.ONGOING || !m.partitions.contains(partition)) {
            return Errors.INVALID_TXN_STATE;
        }
        return Errors.NONE;
    }

    public synchronized List<TransactionView> transactions() {
        List<TransactionView> out = new ArrayList<>();
        for (TransactionMetadata m : transactions.values()) {
            out.add(new TransactionView(m.transactionalId, m.producerId, m.producerEpoch, m.state.kafkaName(),
                    m.timeoutMs, m.startMs, List.copyOf(m.partitions)));
        }
        return out;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ internals, on the coordinator's thread

    private Errors validate(TransactionMetadata m, long producerId, short epoch) {
        if (m == null || m.producerId != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (epoch != m.producerEpoch) {
            return Errors.PRODUCER_FENCED;
        }
        if (m.state.isPrepare()) {
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        return Errors.NONE;
    }

    private void bumpEpoch(TransactionMetadata m) {
        if (m.producerEpoch >= Short.MAX_VALUE - 1) {
            m.producerId = nextProducerId.getAsLong();
            m.producerEpoch = 0;
        } else {
            m.producerEpoch++;
        }
    }

    /**
     * Decides (durably), writes the markers and offsets, records the transaction complete. With {@code fence} the
     * epoch is bumped first, so the producer that opened the transaction can no longer write or end it.
     */
    private CompletableFuture<Void> complete(TransactionMetadata m, boolean commit, boolean fence) {
        synchronized (this) {
            if (fence) {
                bumpEpoch(m);
            }
            m.state = commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
            m.lastUpdateMs = System.currentTimeMillis();
        }
        return persist().thenCompose(v -> onThread(() -> writeOutcome(m)));
    }

    /** Markers and offsets of a decided transaction, retried until they are durable, then the Complete state. */
    private CompletableFuture<Void> writeOutcome(TransactionMetadata m) {
        boolean commit = m.state == TransactionState.PREPARE_COMMIT;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (TopicPartition tp : m.partitions) {
            writes.add(attempt(() -> markers.writeMarker(tp, m.producerId, m.producerEpoch, commit)));
        }
        if (commit) {
            m.pendingOffsets.forEach((group, offsets) -> {
                if (!offsets.isEmpty()) {
                    Map<TopicPartition, CommittedOffset> copy = new HashMap<>(offsets);
                    writes.add(attempt(() -> markers.commitOffsets(group, copy)));
                }
            });
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).whenCompleteAsync((v, failure) -> {
            if (failure != null) {
                LOG.warn("Writing the {} of transaction '{}' failed; retrying in {} ms", commit ? "commit" : "abort",
                        m.transactionalId, RETRY_MS, failure);
                thread.schedule(() -> writeOutcome(m).whenComplete((x, f) -> finish(done, f)), RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            synchronized (this) {
                m.complete(System.currentTimeMillis());
            }
            persist().whenComplete((x, f) -> finish(done, f));
        }, thread);
        return done;
    }

    private static <T> CompletableFuture<T> attempt(Supplier<CompletableFuture<T>> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void finish(CompletableFuture<Void> done, Throwable failure) {
        if (failure != null) {
            done.completeExceptionally(failure);
        } else {
            done.complete(null);
        }
    }

    private void recover() {
        List<TransactionMetadata> decided;
        synchronized (this) {
            decided = transactions.values().stream().filter(m -> m.state.isPrepare()).toList();
        }
        for (TransactionMetadata m : decided) {
            LOG.info("Completing transaction '{}' ({}) decided before the restart", m.transactionalId, m.state.kafkaName());
            writeOutcome(m);
        }
    }

    private void abortExpired() {
        long now = System.currentTimeMillis();
        List<TransactionMetadata> expired;
        synchronized (this) {
            expired = transactions.values().stream()
                    .filter(m -> m.state == TransactionState.ONGOING && now - m.startMs > m.timeoutMs).toList();
        }
        for (TransactionMetadata m : expired) {
            LOG.info("Aborting transaction '{}' of producer {}: open longer than its timeout of {} ms",
                    m.transactionalId, m.producerId, m.timeoutMs);
            complete(m, false, true);
        }
    }

    /** Completes once the current state (with every change made so far) is on disk; changes share one write. */
    private CompletableFuture<Void> persist() {
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (this) {
            awaitingWrite.add(written);
            if (!writeScheduled) {
                writeScheduled = true;
                thread.execute(this::writeState);
            }
        }
        return written;
    }

    private void writeState() {
        List<CompletableFuture<Void>> waiting;
        List<TransactionMetadata> snapshot;
        synchronized (this) {
            waiting = new ArrayList<>(awaitingWrite);
            awaitingWrite.clear();
            writeScheduled = false;
            snapshot = new ArrayList<>(transactions.values());
        }
        try {
            file.write(snapshot);
            waiting.forEach(f -> f.complete(null));
        } catch (RuntimeException e) {
            LOG.error("Transaction state could not be written to {}", file.path(), e);
            waiting.forEach(f -> f.completeExceptionally(e));
        }
    }

    private <T> CompletableFuture<T> onThread(Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    task.get().whenComplete((v, f) -> {
                        if (f != null) {
                            result.completeExceptionally(f);
                        } else {
                            result.complete(v);
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("The transaction coordinator is closed", e));
        }
        return result;
    }
}
