package io.busbar.bus.embedded;

import io.busbar.bus.TopicConfig;

import java.util.UUID;

/** A topic as the embedded bus knows it: stable id (persisted; Kafka topic ids), partition count and settings. */
public record TopicMetadata(String name, UUID topicId, int partitions, TopicConfig config) {

    /** Internal topics (committed offsets, connector positions) start with two underscores, as in Kafka. */
    public boolean internal() {
        return name.startsWith("__");
    }
}
