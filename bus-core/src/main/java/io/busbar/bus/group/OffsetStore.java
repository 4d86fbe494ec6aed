package io.busbar.bus.group;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.AppendResult;
import io.busbar.bus.log.LogReadResult;
import io.busbar.bus.log.PartitionLog;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Committed offsets of every group: kept in memory for reads and written to the compacted {@code __consumer_offsets}
 * log, one record per group and partition ({@link OffsetRecordCodec}). A commit is visible, and its future completes,
 * only once the log reports it durable. On start the whole log is scanned, the last record per key winning.
 *
 * <p>Thread-safe. Two commits of one partition are applied in log order (each entry remembers the log offset it came
 * from), whatever order their durability callbacks run in.
 */
final class OffsetStore {
    /** Kafka's {@code offset.metadata.max.bytes} default. */
    static final int MAX_METADATA_CHARS = 4096;
    private static final int READ_CHUNK_BYTES = 1 << 20;

    record Entry(CommittedOffset offset, long commitTimestamp, long logOffset) {
    }

    private final PartitionLog log;
    private final Map<String, Map<TopicPartition, Entry>> byGroup = new ConcurrentHashMap<>();
    /** Newest log offset applied per group, tombstones included, so a late older write cannot resurrect a delete. */
    private final Map<String, Long> lastTombstoneOffset = new ConcurrentHashMap<>();

    OffsetStore(PartitionLog log) {
        this.log = log;
    }

    /** Rebuilds the in-memory view from the log (called once, before the coordinator serves requests). */
    void load() {
        long offset = log.logStartOffset();
        long end = log.highWatermark();
        while (offset < end) {
            LogReadResult read = log.read(offset, READ_CHUNK_BYTES, true);
            long next = offset;
            for (RecordBatch batch : read.records().batches()) {
                for (Record r : batch) {
                    if (r.offset() >= offset && r.hasKey()) {
                        OffsetRecordCodec.Key key = OffsetRecordCodec.decodeKey(r.key());
                        if (r.hasValue()) {
                            OffsetRecordCodec.Value v = OffsetRecordCodec.decodeValue(r.value());
                            apply(key.groupId(), key.partition(), new Entry(v.offset(), v.commitTimestamp(), r.offset()));
                        } else {
                            remove(key.groupId(), key.partition(), r.offset());
                        }
                    }
                }
                next = Math.max(next, batch.nextOffset());
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
    }

    /** Appends the commit as one batch; the future completes once it is durable and visible. */
    CompletableFuture<Void> commit(String groupId, Map<TopicPartition, CommittedOffset> offsets, long nowMs) {
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<TopicPartition> order = new ArrayList<>(offsets.keySet());
        SimpleRecord[] records = new SimpleRecord[order.size()];
        for (int i = 0; i < records.length; i++) {
            TopicPartition tp = order.get(i);
            records[i] = new SimpleRecord(nowMs, OffsetRecordCodec.encodeKey(groupId, tp),
                    OffsetRecordCodec.encodeValue(offsets.get(tp), nowMs));
        }
        AppendResult appended = log.append(MemoryRecords.withRecords(Compression.NONE, records));
        return appended.durable().thenRun(() -> {
            for (int i = 0; i < records.length; i++) {
                TopicPartition tp = order.get(i);
                apply(groupId, tp, new Entry(offsets.get(tp), nowMs, appended.baseOffset() + i));
            }
        });
    }

    /** Writes tombstones for these partitions of the group; completes once durable. */
    CompletableFuture<Void> delete(String groupId, Collection<TopicPartition> partitions, long nowMs) {
        if (partitions.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<TopicPartition> order = new ArrayList<>(partitions);
        SimpleRecord[] records = new SimpleRecord[order.size()];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(nowMs, OffsetRecordCodec.encodeKey(groupId, order.get(i)), null);
        }
        AppendResult appended = log.append(MemoryRecords.withRecords(Compression.NONE, records));
        return appended.durable().thenRun(() -> {
            for (int i = 0; i < records.length; i++) {
                remove(groupId, order.get(i), appended.baseOffset() + i);
            }
        });
    }

    private void apply(String groupId, TopicPartition tp, Entry entry) {
        if (lastTombstoneOffset.getOrDefault(groupId + '\u0000' + tp, -1L) > entry.logOffset()) {
            return;
        }
        byGroup.computeIfAbsent(groupId, g -> new ConcurrentHashMap<>())
                .merge(tp, entry, (old, neu) -> neu.logOffset() > old.logOffset() ? neu : old);
    }

    private void remove(String groupId, TopicPartition tp, long logOffset) {
        lastTombstoneOffset.merge(groupId + '\u0000' + tp, logOffset, Math::max);
        byGroup.computeIfPresent(groupId, (g, m) -> {
            m.computeIfPresent(tp, (k, old) -> old.logOffset() < logOffset ? null : old);
            return m.isEmpty() ? null : m;
        });
    }

    /** The group's committed offsets for these partitions (all of them when {@code partitions} is null). */
    Map<TopicPartition, CommittedOffset> fetch(String groupId, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Entry> entries = byGroup.getOrDefault(groupId, Map.of());
        Map<TopicPartition, CommittedOffset> out = new HashMap<>();
        if (partitions == null) {
            entries.forEach((tp, e) -> out.put(tp, e.offset()));
        } else {
            for (TopicPartition tp : partitions) {
                Entry e = entries.get(tp);
                if (e != null) {
                    out.put(tp, e.offset());
                }
            }
        }
        return out;
    }

    Set<TopicPartition> partitionsOf(String groupId) {
        return Set.copyOf(byGroup.getOrDefault(groupId, Map.of()).keySet());
    }

    Set<String> groupIds() {
        return Set.copyOf(byGroup.keySet());
    }

    boolean hasOffsets(String groupId) {
        return byGroup.containsKey(groupId);
    }

    /** Time of the group's newest commit, or -1 without offsets. */
    long lastCommitTimestamp(String groupId) {
        return byGroup.getOrDefault(groupId, Map.of()).values().stream().mapToLong(Entry::commitTimestamp).max().orElse(-1);
    }
}
