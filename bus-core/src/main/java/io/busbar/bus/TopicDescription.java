package io.busbar.bus;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A topic as described by the admin: its stable id (Kafka topic ids), partitions and settings (Kafka names). */
public record TopicDescription(String name, UUID topicId, boolean internal, List<PartitionDescription> partitions,
                               Map<String, String> config) {

    /** One partition: first and next offsets (end = high watermark) and bytes on disk. */
    public record PartitionDescription(int partition, long startOffset, long endOffset, long sizeBytes) { }
}
