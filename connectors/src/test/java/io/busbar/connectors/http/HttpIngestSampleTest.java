package io.busbar.connectors.http;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import io.busbar.bus.TestBackend;
import io.busbar.connectors.bus.BusComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs samples/http-ingest as shipped (its three YAML pipelines, loaded with Camel's YAML loader) on free ports:
 * the README's curl commands, done with an HTTP client, end up at the webhook receiver or in the dead-letter topic.
 */
@Tag(TestBackend.BOTH_BACKENDS)
class HttpIngestSampleTest {

    private static final Path SAMPLE = Path.of("..", "samples", "http-ingest");

    @TempDir
    Path dir;

    private Bus bus;
    private CamelContext camel;
    private int ingestPort;

    @BeforeEach
    void start() throws Exception {
        bus = TestBackend.current().open(BusConfig.builder(dir).build());
        ingestPort = AvailablePortFinder.getNextAvailable();
        int receiverPort = AvailablePortFinder.getNextAvailable();
        camel = new DefaultCamelContext();
        camel.addComponent("bus", new BusComponent(bus));
        Properties ports = new Properties();
        ports.put("app.ingest.port", Integer.toString(ingestPort));
        ports.put("app.receiver.port", Integer.toString(receiverPort));
        camel.getPropertiesComponent().setInitialProperties(ports);
        for (String file : List.of("ingest.yaml", "webhook.yaml", "receiver.yaml")) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(
                    ResourceHelper.fromString(file, Files.readString(SAMPLE.resolve(file))));
        }
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        bus.close();
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + ingestPort + path))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void ordersPostedOverHttpReachTheWebhookAndRefusedOnesTheDeadLetterTopic() throws Exception {
        // the webhook pipeline's bus: consumer creates `orders` as it starts; the ingest does not create topics
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.admin().listTopics(false).contains("orders"));
        HttpResponse<String> single = post("/topics/orders?key=customer-1", "{\"id\":1,\"amount\":20}",
                "X-Request-Id", "req-1");
        HttpResponse<String> batch = post("/topics/orders", "[{\"id\":2},{\"id\":3},{\"amount\":5}]");
        HttpResponse<String> unknown = post("/topics/nope", "{\"id\":4}");

        assertThat(single.statusCode()).isEqualTo(200);
        assertThat(HttpListenerFixture.JSON.readTree(single.body()).get("offset").asLong()).isZero();
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(HttpListenerFixture.JSON.readTree(batch.body()).get("count").asInt()).isEqualTo(3);
        assertThat(unknown.statusCode()).isEqualTo(404);

        await().atMost(Duration.ofSeconds(60)).until(() -> endOffset("delivered") == 3 && endOffset("orders.dlq") == 1);
        List<ConsumedRecord> delivered = read("delivered");
        assertThat(delivered).extracting(ConsumedRecord::valueAsString)
                .containsExactlyInAnyOrder("{\"id\":1,\"amount\":20}", "{\"id\":2}", "{\"id\":3}");
        ConsumedRecord dead = read("orders.dlq").get(0);
        assertThat(dead.valueAsString()).isEqualTo("{\"amount\":5}");
        assertThat(dead.headers()).extracting(Header::valueAsString).anySatisfy(v -> assertThat(v).contains("422", "needs an id"));
        ConsumedRecord first = read("orders").get(0);
        assertThat(first.keyAsString()).isEqualTo("customer-1");
        assertThat(first.headers()).extracting(Header::key).containsExactly("X-Request-Id");
    }

    private long endOffset(String topic) {
        if (!bus.admin().listTopics(false).contains(topic)) {
            return 0;
        }
        return bus.admin().describeTopic(topic).partitions().stream().mapToLong(p -> p.endOffset()).sum();
    }

    private List<ConsumedRecord> read(String topic) {
        try (var consumer = bus.consumer(io.busbar.bus.ConsumerConfig.builder().build())) {
            var partitions = bus.admin().describeTopic(topic).partitions().stream()
                    .map(p -> new io.busbar.bus.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumedRecord> all = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (all.size() < endOffset(topic) && System.nanoTime() < deadline) {
                all.addAll(consumer.poll(Duration.ofMillis(500)));
            }
            return all;
        }
    }
}
