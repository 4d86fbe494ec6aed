package io.busbar.bus.group;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.PartitionLog;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A GroupContext for coordinator tests: topics with partition counts and end offsets set by the test; a clock that can jump. */
final class TestGroupContext implements GroupContext {
    final Map<String, Integer> partitions = new ConcurrentHashMap<>();
    final Map<TopicPartition, Long> endOffsets = new ConcurrentHashMap<>();
    final AtomicLong clockSkewMs = new AtomicLong();
    private final PartitionLog offsetsLog;

    TestGroupContext(PartitionLog offsetsLog) {
        this.offsetsLog = offsetsLog;
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
