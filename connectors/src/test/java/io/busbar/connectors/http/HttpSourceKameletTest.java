package io.busbar.connectors.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.TestBackend;
import io.busbar.connectors.bus.BusComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The http-source kamelet on a user-defined path with a fixed topic, in a YAML pipeline. */
@Tag(TestBackend.BOTH_BACKENDS)
class HttpSourceKameletTest {

    @TempDir
    Path dir;

    @Test
    void aUserDefinedPathWritesToItsTopicAndOnlyAcknowledgedRequestsReachTheSteps() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dir).build())) {
            bus.admin().createTopic("orders", 1, Map.of());
            CamelContext camel = new DefaultCamelContext();
            camel.addComponent("bus", new BusComponent(bus));
            String yaml = """
                    - route:
                        from:
                          uri: kamelet:http-source
                          parameters:
                            port: %d
                            path: shop/orders
                            topic: orders
                            tokens: s3cret
                          steps:
                            - to: bus:acknowledged
                    """.formatted(port);
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("shop.yaml", yaml));
            camel.start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/shop/orders"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"id\":1}"));

                HttpResponse<String> refused = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> accepted = http.send(post.header("Authorization", "Bearer s3cret").build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(accepted.statusCode()).isEqualTo(200);
                assertThat(HttpListenerFixture.JSON.readTree(accepted.body()).get("topic").asText()).isEqualTo("orders");
                assertThat(bus.admin().describeTopic("orders").partitions().get(0).endOffset()).isEqualTo(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> bus.admin().listTopics(false).contains("acknowledged")
                        && bus.admin().describeTopic("acknowledged").partitions().get(0).endOffset() == 1);
            } finally {
                camel.stop();
            }
        }
    }
}
