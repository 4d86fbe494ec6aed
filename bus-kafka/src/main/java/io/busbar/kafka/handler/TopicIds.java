package io.busbar.kafka.handler;

import org.apache.kafka.common.Uuid;

import java.util.UUID;

/** Converts the bus's topic ids (java.util.UUID, persisted by the bus) to Kafka's {@link Uuid} and back. Stateless. */
final class TopicIds {

    private TopicIds() {
    }

    static Uuid toKafka(UUID id) {
        return id == null ? Uuid.ZERO_UUID : new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static UUID toBus(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
