package io.busbar.connectors.bus;

import io.busbar.bus.BusAdmin;

import java.util.Map;

/** Creates an endpoint's topics on first use, when the endpoint asks for a partition count. Stateless. */
final class TopicCreation {

    private TopicCreation() {
    }

    /**
     * With {@code autoCreateTopic} and {@code partitions > 0}, creates the topic if absent; otherwise leaves a
     * missing topic to the bus's own auto-creation (which uses its default partition count) or its error.
     */
    static void ensureTopic(BusEndpoint endpoint, String topic) {
        BusConfiguration c = endpoint.getConfiguration();
        if (c.isAutoCreateTopic() && c.getPartitions() > 0) {
            endpoint.bus().admin().createTopicIfAbsent(topic, c.getPartitions(), Map.of());
        }
    }

    /** The dead-letter topic always exists before the first record may need it (one partition unless asked). */
    static void ensureDeadLetterTopic(BusEndpoint endpoint) {
        BusConfiguration c = endpoint.getConfiguration();
        if (c.isAutoCreateTopic()) {
            BusAdmin admin = endpoint.bus().admin();
            admin.createTopicIfAbsent(c.effectiveDeadLetterTopic(), Math.max(1, c.getPartitions()), Map.of());
        }
    }
}
