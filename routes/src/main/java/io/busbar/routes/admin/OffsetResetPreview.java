package io.busbar.routes.admin;

import io.busbar.bus.BusAdmin;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownTopicException;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where an offset reset would move a group, computed the way the bus applies it (an offset outside the partition
 * is clamped to its start or end, a timestamp past the last record gives the end offset), without moving anything.
 */
final class OffsetResetPreview {

    private OffsetResetPreview() {
    }

    static Map<TopicPartition, GroupOperations.OffsetMove> of(BusAdmin admin, Set<TopicPartition> partitions,
                                                              OffsetSpec target, Map<TopicPartition, Long> current) {
        Map<String, TopicDescription> topics = new HashMap<>();
        Map<TopicPartition, GroupOperations.OffsetMove> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            TopicDescription d = topics.computeIfAbsent(tp.topic(), admin::describeTopic);
            TopicDescription.PartitionDescription p = d.partitions().stream()
                    .filter(x -> x.partition() == tp.partition()).findFirst()
                    .orElseThrow(() -> new UnknownTopicException("Topic '" + tp.topic() + "' has no partition "
                            + tp.partition() + ": use 0.." + (d.partitions().size() - 1)));
            long start = p.startOffset();
            long end = p.endOffset();
            long next;
            if (target instanceof OffsetSpec.Earliest) {
                next = start;
            } else if (target instanceof OffsetSpec.Latest) {
                next = end;
            } else if (target instanceof OffsetSpec.ForTimestamp t) {
                long found = admin.offsetForTimestamp(tp, t.timestamp());
                next = found < 0 ? end : found;
            } else {
                next = Math.max(start, Math.min(end, ((OffsetSpec.Explicit) target).offset()));
            }
            out.put(tp, new GroupOperations.OffsetMove(tp.topic(), tp.partition(), current.get(tp), next, end));
        }
        return out;
    }
}
