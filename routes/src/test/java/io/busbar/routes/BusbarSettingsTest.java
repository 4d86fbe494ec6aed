package io.busbar.routes;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusbarSettingsTest {

    private static final List<ConfigKey> KEYS = RuntimeKeys.ALL;

    @Test
    void usesDefaultsWhenNothingIsGiven() {
        BusbarSettings s = BusbarSettings.resolve(KEYS, Map.of(), "busbar.properties", Map.of(), Map.of());

        assertThat(s.get(RuntimeKeys.DATA_DIR)).isEqualTo("./data");
        assertThat(s.get(RuntimeKeys.DURABILITY)).isEqualTo("fsync");
        assertThat(s.getLong(RuntimeKeys.FLUSH_INTERVAL_MS)).isEqualTo(1000);
        assertThat(s.getInt(RuntimeKeys.DEFAULT_PARTITIONS)).isEqualTo(1);
        assertThat(s.getBoolean(RuntimeKeys.AUTO_CREATE_TOPICS)).isTrue();
        assertThat(s.sourceOf("busbar.data.dir")).isEqualTo("default");
    }

    @Test
    void setBeatsEnvironmentWhichBeatsTheFile() {
        Map<String, String> file = Map.of("busbar.data.dir", "/from/file", "busbar.durability", "os",
                "busbar.topics.default.partitions", "2");
        Map<String, String> env = Map.of("BUSBAR_DATA_DIR", "/from/env", "BUSBAR_DURABILITY", "interval");
        Map<String, String> set = Map.of("busbar.data.dir", "/from/set");

        BusbarSettings s = BusbarSettings.resolve(KEYS, file, "busbar.properties", env, set);

        assertThat(s.get(RuntimeKeys.DATA_DIR)).isEqualTo("/from/set");
        assertThat(s.sourceOf("busbar.data.dir")).isEqualTo("--set");
        assertThat(s.get(RuntimeKeys.DURABILITY)).isEqualTo("interval");
        assertThat(s.sourceOf("busbar.durability")).isEqualTo("environment variable BUSBAR_DURABILITY");
        assertThat(s.getInt(RuntimeKeys.DEFAULT_PARTITIONS)).isEqualTo(2);
        assertThat(s.sourceOf("busbar.topics.default.partitions")).isEqualTo("busbar.properties");
    }

    @Test
    void passesCamelKeysThroughToCamelMain() {
        BusbarSettings s = BusbarSettings.resolve(KEYS, Map.of("camel.main.name", "x"), "f", Map.of(),
                Map.of("camel.main.durationMaxIdleSeconds", "3"));

        assertThat(s.camelProperties()).containsEntry("camel.main.name", "x")
                .containsEntry("camel.main.durationMaxIdleSeconds", "3");
    }

    @Test
    void rejectsAnUnknownKeyNamingItAndTheValidOnes() {
        assertThatThrownBy(() -> BusbarSettings.resolve(KEYS, Map.of("busbar.data.dirr", "/x"), "busbar.properties",
                Map.of(), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'busbar.data.dirr'")
                .hasMessageContaining("busbar.properties")
                .hasMessageContaining("busbar.data.dir, ")
                .hasMessageContaining("camel.*");
    }

    @Test
    void rejectsAnInvalidValueNamingTheKeyItsSourceAndTheExpectedForm() {
        assertThatThrownBy(() -> BusbarSettings.resolve(KEYS, Map.of(), "f", Map.of(),
                Map.of("busbar.durability", "fast")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("busbar.durability = 'fast'")
                .hasMessageContaining("--set")
                .hasMessageContaining("one of fsync, interval, os");
        assertThatThrownBy(() -> BusbarSettings.resolve(KEYS, Map.of(), "f",
                Map.of("BUSBAR_TOPICS_DEFAULT_PARTITIONS", "zero"), Map.of()))
                .hasMessageContaining("busbar.topics.default.partitions")
                .hasMessageContaining("BUSBAR_TOPICS_DEFAULT_PARTITIONS")
                .hasMessageContaining("an integer >= 1");
    }

    @Test
    void acceptsKeysDeclaredByServices() {
        ConfigKey port = ConfigKey.integer("busbar.kafka.port", 9092, 0, "Kafka listener port.");
        BusbarSettings s = BusbarSettings.resolve(List.of(RuntimeKeys.DATA_DIR, port), Map.of(), "f",
                Map.of("BUSBAR_KAFKA_PORT", "0"), Map.of());

        assertThat(s.get(port)).isEqualTo("0");
        assertThat(s.knownKeys()).extracting(ConfigKey::name).containsExactly("busbar.data.dir", "busbar.kafka.port");
    }

    @Test
    void readsAPropertiesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("busbar.properties");
        Files.writeString(file, "# comment\nbusbar.data.dir = /srv/busbar\ncamel.main.name=demo\n");

        assertThat(BusbarSettings.readFile(file)).containsEntry("busbar.data.dir", "/srv/busbar")
                .containsEntry("camel.main.name", "demo");
    }
}
