package io.busbar.routes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings whose value is {@code ${env:NAME}} or {@code ${file:/path}}; secret values never in messages. */
class SecretReferencesTest {

    @TempDir
    Path dir;

    private static final ConfigKey PASSWORD = ConfigKey.string("busbar.kafka.ssl.keystore.password", null, "test");
    private static final ConfigKey PORT = ConfigKey.integer("busbar.test.port", 1, 1, "test");

    @Test
    void valuesComeFromEnvironmentVariablesAndFiles() throws Exception {
        Path secret = Files.writeString(dir.resolve("ks-password"), "from-a-file\n");
        BusbarSettings env = BusbarSettings.resolve(List.of(PASSWORD, PORT), Map.of(PASSWORD.name(), "${env:KS_PASSWORD}"),
                "busbar.properties", Map.of("KS_PASSWORD", "from-env"), Map.of());
        assertThat(env.get(PASSWORD)).isEqualTo("from-env");
        BusbarSettings file = BusbarSettings.resolve(List.of(PASSWORD, PORT), Map.of(),
                "busbar.properties", Map.of(), Map.of(PASSWORD.name(), "${file:" + secret + "}"));
        assertThat(file.get(PASSWORD)).isEqualTo("from-a-file");
    }

    @Test
    void aMissingReferenceNamesTheSettingAndTheVariable() {
        assertThatThrownBy(() -> BusbarSettings.resolve(List.of(PASSWORD), Map.of(PASSWORD.name(), "${env:NOT_SET_HERE}"),
                "busbar.properties", Map.of(), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(PASSWORD.name()).hasMessageContaining("NOT_SET_HERE");
        assertThatThrownBy(() -> BusbarSettings.resolve(List.of(PASSWORD), Map.of(PASSWORD.name(), "${file:/no/such/file}"),
                "busbar.properties", Map.of(), Map.of()))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("/no/such/file");
    }

    @Test
    void secretValuesAreMaskedInErrors() {
        ConfigKey strictSecret = new ConfigKey("busbar.test.token", null, "hex", "test", v -> v.matches("[0-9a-f]+"));
        assertThatThrownBy(() -> BusbarSettings.resolve(List.of(strictSecret), Map.of(), "x", Map.of(),
                Map.of(strictSecret.name(), "Top-Secret-Value")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("busbar.test.token = '****'").hasMessageNotContaining("Top-Secret-Value");
    }
}
