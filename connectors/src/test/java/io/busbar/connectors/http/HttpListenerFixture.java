package io.busbar.connectors.http;

import io.busbar.bus.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicPartition;
import io.busbar.connectors.bus.BusComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.test.AvailablePortFinder;

/**
 * A real bus in a temporary directory and a Camel context serving the HTTP listener on a free loopback port,
 * plus a JDK HTTP client to talk to it. Each test builds its own; {@link #close()} stops everything.
 */
final class HttpListenerFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Bus bus;
    final CamelContext camel;
    final int port;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    HttpListenerFixture(Path dataDir, HttpIngestConfiguration ingest) throws Exception {
        this(TestBackend.current().open(BusConfig.builder(dataDir).build()), ingest, new HttpReadApi());
    }

    HttpListenerFixture(Bus bus, HttpIngestConfiguration ingest, HttpReadApi readApi) throws Exception {
        this.bus = bus;
        this.port = AvailablePortFinder.getNextAvailable();
        this.camel = new DefaultCamelContext();
        camel.addComponent("bus", new BusComponent(bus));
        HttpIngestProcessor processor = new HttpIngestProcessor(null, ingest);
        camel.addRoutes(HttpListenerRoutes.ingestAndReadApi("127.0.0.1", port, processor, readApi));
        camel.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** Every record of a partition, read with a fresh consumer up to the end offset. */
    List<ConsumedRecord> readAll(String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        long end = bus.admin().describeTopic(topic).partitions().get(partition).endOffset();
        List<ConsumedRecord> all = new ArrayList<>();
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                all.addAll(consumer.poll(Duration.ofMillis(500)));
            }
        }
        return all;
    }

    void createTopic(String topic, int partitions) {
        bus.admin().createTopic(topic, partitions, Map.of());
    }

    @Override
    public void close() {
        camel.stop();
        bus.close();
    }
}
