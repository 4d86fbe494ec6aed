package io.busbar.kafka.handler;

import io.busbar.bus.KafkaTopicSettings;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A topic's settings as Kafka reports them: every setting Kafka 4.1 has (not only the ones set), each with where its
 * value comes from. Kafka's default is DEFAULT_CONFIG, the bus's configured default for topics (when it differs from
 * Kafka's) is STATIC_BROKER_CONFIG, anything else was set on the topic (DYNAMIC_TOPIC_CONFIG). Busbar persists a topic's
 * resolved values, so a value set on a topic equal to the default reads back as the default's source. Thread-safe.
 */
final class TopicConfigSources {

    /** One setting's value and its source. */
    record Entry(String value, ConfigSource source) {
    }

    private TopicConfigSources() {
    }

    static Map<String, Entry> of(EmbeddedBus bus, TopicConfig config) {
        Map<String, String> kafkaDefaults = kafkaDefaults();
        Map<String, String> busDefaults = new LinkedHashMap<>(kafkaDefaults);
        busDefaults.putAll(bus.config().defaultTopicConfig().toMap());
        Map<String, String> values = new LinkedHashMap<>(kafkaDefaults);
        values.putAll(config.toMap());
        Map<String, Entry> entries = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            ConfigSource source;
            if (!value.equals(busDefaults.get(name))) {
                source = ConfigSource.TOPIC_CONFIG;
            } else if (value.equals(kafkaDefaults.get(name))) {
                source = ConfigSource.DEFAULT_CONFIG;
            } else {
                source = ConfigSource.STATIC_BROKER_CONFIG;
            }
            entries.put(name, new Entry(value, source));
        });
        return entries;
    }

    /** The value a setting goes back to when its topic value is deleted: the bus's default, or null for Kafka's. */
    static String defaultFor(EmbeddedBus bus, String name) {
        return TopicConfig.NAMES.contains(name) ? bus.config().defaultTopicConfig().toMap().get(name) : null;
    }

    private static Map<String, String> kafkaDefaults() {
        Map<String, String> m = new LinkedHashMap<>(TopicConfig.DEFAULT.toMap());
        for (String name : KafkaTopicSettings.names()) {
            String value = KafkaTopicSettings.defaultValue(name);
            if (value != null) {
                m.put(name, value);
            }
        }
        return m;
    }
}
