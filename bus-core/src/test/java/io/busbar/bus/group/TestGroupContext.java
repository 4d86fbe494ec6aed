package io.busbar.bus.group;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.log.LogOptions;
import io.busbar.bus.log.PartitionLog;
import io.busbar.bus.log.PartitionLogs;

import java.nio.file.Path;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A GroupContext for coordinator tests over a real offsets log: topics with partition counts and end offsets set by the test; a clock that can jump. */
final class TestGroupContext implements GroupContext {
    final Map<String, Integer> partitions = new ConcurrentHashMap<>();
    final Map<TopicPartition, Long> endOffsets = new ConcurrentHashMap<>();
    final AtomicLong clockSkewMs = new AtomicLong();
    private final PartitionLog offsetsLog;

    TestGroupContext(PartitionLog offsetsLog) {
        this.offsetsLog = offsetsLog;
    }

    /** The real file-backed log, compacted like the bus's {@code __consumer_offsets}. */
    static PartitionLog openOffsetsLog(Path dir) {
        return PartitionLogs.open(dir.resolve("__consumer_offsets-0"), new TopicPartition("__consumer_offsets", 0),
                TopicConfig.DEFAULT.with(Map.of(TopicConfig.CLEANUP_POLICY, "compact")), LogOptions.DEFAULT);
    }

    TestGroupContext topic(String name, int count) {
        partitions.put(name, count);
        return this;
    }

    @Override
    public int partitionCount(String topic) {
        return partitions.getOrDefault(topic, -1);
    }

    @Override
    public Set<String> topicNames() {
        return Set.copyOf(partitions.keySet());
    }

    @Override
    public long startOffset(TopicPartition partition) {
        return 0;
    }

    @Override
    public long endOffset(TopicPartition partition) {
        return endOffsets.getOrDefault(partition, 0L);
    }

    @Override
    public long offsetForTimestamp(TopicPartition partition, long timestamp) {
        return -1;
    }

    @Override
    public PartitionLog offsetsLog() {
        return offsetsLog;
    }

    @Override
    public long nowMs() {
        return System.currentTimeMillis() + clockSkewMs.get();
    }
}
