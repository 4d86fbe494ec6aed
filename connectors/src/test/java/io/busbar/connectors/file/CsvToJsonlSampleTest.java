package io.busbar.connectors.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the samples/csv-to-jsonl pipelines as they are (YAML loaded by Camel's YAML DSL) on a real embedded bus:
 * the sample CSV files dropped into the inbox end up as JSON lines in the outbox, the malformed row in orders.dlq.
 */
@Tag(TestBackend.BOTH_BACKENDS)
class CsvToJsonlSampleTest {

    private static final Path SAMPLE = Path.of("../samples/csv-to-jsonl").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void csvFilesDroppedInTheInboxBecomeJsonLinesInTheOutbox() throws Exception {
        assertThat(SAMPLE.resolve("README.md")).exists();
        Properties settings = new Properties();
        try (var in = Files.newInputStream(SAMPLE.resolve("busbar.properties"))) {
            settings.load(in);
        }
        assertThat(settings.getProperty("app.csv.inbox")).isNotBlank();
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path outbox = dir.resolve("outbox");
        settings.setProperty("app.csv.inbox", inbox.toString());
        settings.setProperty("app.jsonl.outbox", outbox.toString());

        try (Bus bus = TestBackend.current().open(BusConfig.builder(dir.resolve("bus")).defaultPartitions(3).build());
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            camel.getPropertiesComponent().setInitialProperties(settings);
            for (String file : new String[] {"orders-in.yaml", "orders-out.yaml"}) {
                PluginHelper.getRoutesLoader(camel).loadRoutes(
                        ResourceHelper.resolveMandatoryResource(camel, "file:" + SAMPLE.resolve(file)));
            }
            camel.start();
            try (Stream<Path> data = Files.list(SAMPLE.resolve("data"))) {
                for (Path csv : data.toList()) {
                    Files.copy(csv, inbox.resolve(csv.getFileName()));
                }
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> jsonLines(outbox).size() == 8);
            List<JsonNode> orders = jsonLines(outbox);
            assertThat(orders).extracting(o -> o.get("order_id").asText())
                    .containsExactlyInAnyOrder("1001", "1002", "1003", "1004", "1005", "1006", "1007", "1009");
            assertThat(orders).anySatisfy(o -> {
                assertThat(o.get("customer").asText()).isEqualTo("田中 花子");
                assertThat(o.get("note").asText()).isEqualTo("Leave at the door\n(second line of the note)");
            });
            assertThat(orders).anySatisfy(o -> assertThat(o.get("item").asText()).isEqualTo("USB-C cable \"braided\""));
            assertThat(orders).anySatisfy(o -> assertThat(o.get("note").asText()).isEqualTo("🎧 urgent"));
            assertThat(FileTestBus.values(bus, "orders.dlq")).containsExactly("1008,broken row,with,too,many,fields,in,it");
            assertThat(inbox.resolve(".done/orders-2026-11-25.csv")).exists();
            assertThat(inbox.resolve(".done/orders-2026-11-26.csv")).exists();
        }
    }

    private static List<JsonNode> jsonLines(Path outbox) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        if (!Files.isDirectory(outbox)) {
            return nodes;
        }
        ObjectMapper mapper = new ObjectMapper();
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    nodes.add(mapper.readTree(line));
                }
            }
        }
        return nodes;
    }
}
