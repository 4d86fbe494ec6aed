package io.busbar.kafka.handler;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.embedded.TopicMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;

import java.util.Map;
import java.util.Optional;

/**
 * Applies a settings change to one resource of an AlterConfigs or IncrementalAlterConfigs request: a topic's settings
 * are validated as a whole, then persisted and applied to its logs (or only validated with validateOnly). A broker
 * has no settings that change at runtime: they come from the bus configuration. Thread-safe.
 */
final class TopicConfigAlteration {

    /** The outcome for one resource: NONE or an error with its message. */
    record Outcome(Errors error, String message) {
        static final Outcome OK = new Outcome(Errors.NONE, null);
    }

    private final EmbeddedBus bus;

    TopicConfigAlteration(EmbeddedBus bus) {
        this.bus = bus;
    }

    Optional<TopicConfig> current(byte resourceType, String name) {
        return resourceType == ConfigResource.Type.TOPIC.id()
                ? bus.topic(name).map(TopicMetadata::config) : Optional.empty();
    }

    /** {@code settings}: Kafka names to new values; a null value puts the setting back to its default. */
    Outcome apply(byte resourceType, String name, Map<String, String> settings, boolean validateOnly) {
        if (resourceType == ConfigResource.Type.BROKER.id() || resourceType == ConfigResource.Type.BROKER_LOGGER.id()) {
            if (settings.isEmpty()) {
                return Outcome.OK;
            }
            return new Outcome(Errors.INVALID_CONFIG, "Broker settings " + settings.keySet() + " cannot be changed at"
                    + " runtime on Busbar: set them in the bus configuration (bus.yaml) and restart");
        }
        if (resourceType != ConfigResource.Type.TOPIC.id()) {
            return new Outcome(Errors.INVALID_REQUEST, "Only topic settings can be altered on Busbar, not resource type "
                    + ConfigResource.Type.forId(resourceType));
        }
        Optional<TopicMetadata> topic = bus.topic(name);
        if (topic.isEmpty()) {
            return new Outcome(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist");
        }
        Map<String, String> resolved = new java.util.HashMap<>();
        settings.forEach((k, v) -> resolved.put(k, v != null ? v : TopicConfigSources.defaultFor(bus, k)));
        try {
            topic.get().config().with(resolved); // validates every setting before anything is written
            if (!validateOnly) {
                bus.alterTopicConfig(name, resolved);
            }
            return Outcome.OK;
        } catch (RuntimeException e) {
            return new Outcome(ErrorMapping.of(e), ErrorMapping.message(e));
        }
    }
}
