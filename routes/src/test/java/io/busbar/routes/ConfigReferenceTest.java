package io.busbar.routes;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/runtime.md documents every key of the runtime, with its default and environment form. Services' keys are
 * listed there too, but a service adding a key does not fail this test (each service documents its own); the
 * failure message prints every row, services' included, to paste.
 */
class ConfigReferenceTest {

    @Test
    void runtimeDocumentationListsEveryKeyWithItsDefaultAndEnvironmentForm() throws Exception {
        Path doc = Path.of(System.getProperty("busbar.home", "..")).resolve("docs/runtime.md");
        String text = Files.readString(doc);
        List<ConfigKey> keys = BusbarSettings.resolve(BusbarRuntime.knownKeys(BusbarRuntime.discoverServices()),
                java.util.Map.of(), "test", java.util.Map.of(), java.util.Map.of()).knownKeys().stream()
                .filter(k -> !k.name().startsWith("busbar.recording.")) // the test-only service
                .toList();
        StringBuilder expectedRows = new StringBuilder();
        for (ConfigKey k : keys) {
            expectedRows.append(row(k)).append('\n');
        }
        for (ConfigKey k : RuntimeKeys.ALL) {
            // the description may be worded for readers; name, environment form and default must be exact
            assertThat(text).as("docs/runtime.md must document %s (generated rows to paste:%n%s)", k.name(), expectedRows)
                    .contains(rowStart(k));
        }
    }

    private static String rowStart(ConfigKey k) {
        return "| `" + k.name() + "` | `" + k.envName() + "` | "
                + (k.defaultValue() == null || k.defaultValue().isEmpty() ? "—" : "`" + k.defaultValue() + "`") + " | ";
    }

    private static String row(ConfigKey k) {
        return "| `" + k.name() + "` | `" + k.envName() + "` | "
                + (k.defaultValue() == null || k.defaultValue().isEmpty() ? "—" : "`" + k.defaultValue() + "`") + " | "
                + k.expected() + " | " + k.description() + " |";
    }
}
