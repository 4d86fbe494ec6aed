package io.busbar.kafka.handler;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.AppendResult;
import io.busbar.bus.log.PartitionLog;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idempotent-producer state, per partition and producer id: the epoch and the last {@value #CACHED_BATCHES} batches
 * (Kafka keeps the same number, the producer's max in-flight requests). For each batch, as Kafka does:
 * <ul>
 *   <li>an older epoch is refused (INVALID_PRODUCER_EPOCH); a newer one must start at sequence 0;</li>
 *   <li>a batch equal to a cached one is a retry: not appended again, answered with the original offsets;</li>
 *   <li>a gap in sequence numbers is refused (OUT_OF_ORDER_SEQUENCE_NUMBER);</li>
 *   <li>a producer with no state here is accepted at any sequence.</li>
 * </ul>
 * The state is kept in memory and rebuilt from the log after a restart, as Kafka rebuilds it: the first idempotent
 * produce to a partition reads the batch headers (producer id, epoch, sequences) of its last
 * {@value #REBUILD_WINDOW_OFFSETS} offsets, so a retry that spans a broker restart or crash is still recognised.
 * A producer that has not written to a partition for {@value #PRODUCER_ID_EXPIRATION_MS} ms (Kafka's
 * {@code producer.id.expiration.ms} default) is forgotten there, so state does not grow without bound.
 * Check, append and record happen under the partition's lock, so two connections cannot interleave them.
 *
 * <p>The table also keeps each partition's transaction index: the first offset of every open transaction (the last
 * stable offset is the lowest of them, or the high watermark) and the aborted transactions (producer id, first
 * offset, marker offset) that read_committed fetches return. It is rebuilt by one scan of the partition's batch
 * headers (and its control records) the first time the partition is used after a start. Thread-safe.
 */
final class ProducerStateTable {

    static final int CACHED_BATCHES = 5;
    static final long PRODUCER_ID_EXPIRATION_MS = 24L * 3600 * 1000;
    static final long REBUILD_WINDOW_OFFSETS = 5_000;

    /** Where a batch landed; for a duplicate, where the original landed. */
    record Appended(long baseOffset, CompletableFuture<Long> durable) { }

    private record CachedBatch(int firstSeq, int lastSeq, long baseOffset, CompletableFuture<Long> durable) { }

    private static final class ProducerEntry {
        short epoch;
        long lastAppendMs;
        final ArrayDeque<CachedBatch> batches = new ArrayDeque<>();
    }

    /** A transaction aborted on one partition: its data lies in [firstOffset, lastOffset], the abort marker at lastOffset. */
    record AbortedTxn(long producerId, long firstOffset, long lastOffset) { }

    /** One partition's producers and transactions; guarded by its own monitor. */
    private static final class PartitionState {
        final Map<Long, ProducerEntry> producers = new HashMap<>();
        /** producer id to the first offset of its open transaction, in offset order. */
        final Map<Long, Long> openTxns = new LinkedHashMap<>();
        final List<AbortedTxn> aborted = new ArrayList<>();

        long firstOpenOffset() {
            long min = Long.MAX_VALUE;
            for (long first : openTxns.values()) {
                min = Math.min(min, first);
            }
            return min;
        }
    }

    private final ConcurrentHashMap<TopicPartition, PartitionState> partitions = new ConcurrentHashMap<>();

    Appended append(TopicPartition partition, PartitionLog log, MemoryRecords records, RecordBatch batch) {
        long producerId = batch.producerId();
        if (producerId == RecordBatch.NO_PRODUCER_ID) {
            AppendResult r = log.append(records);
            return new Appended(r.baseOffset(), r.durable());
        }
        PartitionState state = partitions.computeIfAbsent(partition, p -> rebuild(log));
        synchronized (state) {
            Map<Long, ProducerEntry> producers = state.producers;
            ProducerEntry entry = producers.get(producerId);
            short epoch = batch.producerEpoch();
            int firstSeq = batch.baseSequence();
            int lastSeq = batch.lastSequence();
            if (entry != null) {
                if (epoch < entry.epoch) {
                    throw new ProduceRejectedException(Errors.INVALID_PRODUCER_EPOCH, "Producer " + producerId
                            + " epoch " + epoch + " is older than the current epoch " + entry.epoch + " on " + partition);
                }
                if (epoch == entry.epoch) {
                    for (CachedBatch c : entry.batches) {
                        if (c.firstSeq == firstSeq && c.lastSeq == lastSeq) {
                            // the log's append checks the CRC, but a duplicate never reaches it: a batch whose
                            // sequence numbers were damaged in transit must not be acknowledged as another
                            ProduceHandler.requireValidCrc(partition, batch);
                            return new Appended(c.baseOffset, c.durable);
                        }
                    }
                    int expected = entry.batches.isEmpty() ? firstSeq : next(entry.batches.peekLast().lastSeq);
                    if (firstSeq != expected) {
                        throw new ProduceRejectedException(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Producer " + producerId
                                + " sent sequence " + firstSeq + " to " + partition + ", expected " + expected);
                    }
                } else if (firstSeq != 0) {
                    throw new ProduceRejectedException(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Producer " + producerId
                            + " started epoch " + epoch + " at sequence " + firstSeq + " on " + partition + ", expected 0");
                }
            }
            AppendResult r = log.append(records);
            if (batch.isTransactional()) {
                state.openTxns.putIfAbsent(producerId, r.baseOffset());
            }
            long now = System.currentTimeMillis();
            if (entry == null) {
                // a new producer here: a cheap moment to forget the ones long gone
                producers.values().removeIf(e -> now - e.lastAppendMs > PRODUCER_ID_EXPIRATION_MS);
            }
            if (entry == null || epoch != entry.epoch) {
                entry = new ProducerEntry();
                entry.epoch = epoch;
                producers.put(producerId, entry);
            }
            entry.lastAppendMs = now;
            entry.batches.addLast(new CachedBatch(firstSeq, lastSeq, r.baseOffset(), r.durable()));
            if (entry.batches.size() > CACHED_BATCHES) {
                entry.batches.removeFirst();
            }
            return new Appended(r.baseOffset(), r.durable());
        }
    }

    /**
     * Appends a transaction's commit or abort marker for {@code producerId} at {@code epoch} (the coordinator's, which
     * may be newer than the producer's batches: a newer epoch fences the old producer here). Closes the partition's
     * open transaction of that producer.
     */
    AppendResult appendMarker(TopicPartition partition, PartitionLog log, long producerId, short epoch, boolean commit) {
        PartitionState state = partitions.computeIfAbsent(partition, p -> rebuild(log));
        synchronized (state) {
            ProducerEntry entry = state.producers.get(producerId);
            if (entry != null && epoch < entry.epoch) {
                throw new ProduceRejectedException(Errors.INVALID_PRODUCER_EPOCH, "Marker of producer " + producerId
                        + " epoch " + epoch + " is older than the current epoch " + entry.epoch + " on " + partition);
            }
            MemoryRecords marker = MemoryRecords.withEndTransactionMarker(System.currentTimeMillis(), producerId, epoch,
                    new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 0));
            AppendResult r = log.append(marker);
            closeTxn(state, producerId, r.baseOffset(), commit);
            if (entry == null || epoch != entry.epoch) {
                // a bumped epoch: the producer's next batch starts at sequence 0, older epochs are refused
                entry = new ProducerEntry();
                entry.epoch = epoch;
                state.producers.put(producerId, entry);
            }
            entry.lastAppendMs = System.currentTimeMillis();
            return r;
        }
    }

    /** The last stable offset: below it every transaction is decided. */
    long lastStableOffset(TopicPartition partition, PartitionLog log) {
        PartitionState state = partitions.computeIfAbsent(partition, p -> rebuild(log));
        synchronized (state) {
            return Math.min(log.highWatermark(), state.firstOpenOffset());
        }
    }

    /** The aborted transactions with data in [fromOffset, toOffset), in marker order. */
    List<AbortedTxn> abortedTransactions(TopicPartition partition, PartitionLog log, long fromOffset, long toOffset) {
        PartitionState state = partitions.computeIfAbsent(partition, p -> rebuild(log));
        List<AbortedTxn> out = new ArrayList<>();
        synchronized (state) {
            for (AbortedTxn a : state.aborted) {
                if (a.lastOffset >= fromOffset && a.firstOffset < toOffset) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private static void closeTxn(PartitionState state, long producerId, long markerOffset, boolean commit) {
        Long first = state.openTxns.remove(producerId);
        if (!commit && first != null) {
            state.aborted.add(new AbortedTxn(producerId, first, markerOffset));
        }
    }

    /**
     * The partition's state from its log: transactions from a scan of every batch header (control records are read to
     * tell commit from abort), producers' last batches from the tail. Up to the high watermark: the log is durable
     * there.
     */
    private static PartitionState rebuild(PartitionLog log) {
        PartitionState state = new PartitionState();
        Map<Long, ProducerEntry> producers = state.producers;
        long end = log.highWatermark();
        long tail = Math.max(log.logStartOffset(), end - REBUILD_WINDOW_OFFSETS);
        long offset = log.logStartOffset();
        long now = System.currentTimeMillis();
        while (offset < end) {
            long next = offset;
            for (RecordBatch batch : log.read(offset, 1 << 20, true).records().batches()) {
                next = Math.max(next, batch.lastOffset() + 1);
                if (batch.producerId() == RecordBatch.NO_PRODUCER_ID || batch.lastOffset() < offset) {
                    continue;
                }
                if (batch.isControlBatch()) {
                    Iterator<Record> it = batch.iterator();
                    if (it.hasNext()) {
                        ControlRecordType type = ControlRecordType.parse(it.next().key());
                        closeTxn(state, batch.producerId(), batch.baseOffset(), type == ControlRecordType.COMMIT);
                    }
                } else if (batch.isTransactional()) {
                    state.openTxns.putIfAbsent(batch.producerId(), batch.baseOffset());
                }
                if (batch.lastOffset() < tail) {
                    continue;
                }
                ProducerEntry entry = producers.get(batch.producerId());
                if (entry == null || batch.producerEpoch() != entry.epoch) {
                    entry = new ProducerEntry();
                    entry.epoch = batch.producerEpoch();
                    producers.put(batch.producerId(), entry);
                }
                entry.lastAppendMs = now;
                if (batch.isControlBatch()) {
                    continue; // a marker carries no sequence numbers
                }
                entry.batches.addLast(new CachedBatch(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                        CompletableFuture.completedFuture(end)));
                if (entry.batches.size() > CACHED_BATCHES) {
                    entry.batches.removeFirst();
                }
            }
            if (next == offset) {
                break; // nothing readable: leave the rest unknown rather than loop
            }
            offset = next;
        }
        return state;
    }

    /** Forgets a deleted topic's state so a re-created topic starts clean. */
    void forgetTopic(String topic) {
        partitions.keySet().removeIf(tp -> tp.topic().equals(topic));
    }

    private static int next(int seq) {
        return seq == Integer.MAX_VALUE ? 0 : seq + 1;
    }
}
