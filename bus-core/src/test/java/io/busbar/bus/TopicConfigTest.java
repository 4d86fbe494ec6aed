package io.busbar.bus;

import io.busbar.bus.embedded.EmbeddedBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Topic settings under Kafka 4.1's names: the nine Busbar acts on, Kafka's others stored, unknown ones refused. */
class TopicConfigTest {

    @TempDir
    Path dir;

    @Test
    void acceptsTheSettingsKafkaStreamsGivesItsInternalTopics() {
        TopicConfig config = TopicConfig.DEFAULT.with(Map.of("message.timestamp.type", "CreateTime",
                "cleanup.policy", "compact", "min.insync.replicas", "1", "segment.index.bytes", "52428800",
                "compression.type", "zstd", "unclean.leader.election.enable", "false"));
        assertThat(config.compacted()).isTrue();
        assertThat(config.logAppendTime()).isFalse();
        assertThat(config.toMap()).containsEntry("segment.index.bytes", "52428800").containsEntry("compression.type", "zstd")
                .containsEntry("cleanup.policy", "compact");
        assertThat(config.with(Map.of("message.timestamp.type", "LogAppendTime")).logAppendTime()).isTrue();
    }

    @Test
    void refusesNamesKafkaDoesNotHaveAndValuesKafkaWouldRefuse() {
        assertThatThrownBy(() -> TopicConfig.DEFAULT.with(Map.of("retention.hours", "1")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'retention.hours'").hasMessageContaining("Kafka 4.1 has no such topic setting")
                .hasMessageContaining("message.timestamp.type");
        assertThatThrownBy(() -> TopicConfig.DEFAULT.with(Map.of("message.timestamp.type", "BrokerTime")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("LogAppendTime");
        assertThatThrownBy(() -> TopicConfig.DEFAULT.with(Map.of("compression.zstd.level", "99")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("compression.zstd.level");
        assertThatThrownBy(() -> TopicConfig.DEFAULT.with(Map.of("min.insync.replicas", "2")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("min.insync.replicas")
                .hasMessageContaining("one node");
        assertThatThrownBy(() -> TopicConfig.DEFAULT.with(Map.of("remote.storage.enable", "true")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("tiered storage");
    }

    @Test
    void aNullValuePutsKafkasOtherSettingBackToItsDefault() {
        TopicConfig set = TopicConfig.DEFAULT.with(Map.of("flush.messages", "10"));
        Map<String, String> reset = new HashMap<>();
        reset.put("flush.messages", null);
        assertThat(set.with(reset).toMap()).doesNotContainKey("flush.messages");
        assertThat(set.with(reset)).isEqualTo(TopicConfig.DEFAULT);
    }

    @Test
    void settingsChangedOnATopicArePersistedWithIt() {
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            bus.admin().createTopic("words", 1, Map.of("message.timestamp.type", "LogAppendTime", "flush.ms", "1000"));
            bus.alterTopicConfig("words", Map.of("retention.ms", "60000", "segment.jitter.ms", "5"));
        }
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            TopicConfig config = bus.topic("words").orElseThrow().config();
            assertThat(config.logAppendTime()).isTrue();
            assertThat(config.retentionMs()).isEqualTo(60000);
            assertThat(config.toMap()).containsEntry("flush.ms", "1000").containsEntry("segment.jitter.ms", "5");
            assertThatThrownBy(() -> bus.alterTopicConfig("words", Map.of("no.such.setting", "1")))
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'no.such.setting'");
            assertThat(bus.topic("words").orElseThrow().config()).isEqualTo(config);
        }
    }
}
