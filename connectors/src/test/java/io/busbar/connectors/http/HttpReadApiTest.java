package io.busbar.connectors.http;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.BusRecord;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.Header;
import io.busbar.bus.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.busbar.connectors.http.HttpListenerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The read API and the SSE stream over real loopback HTTP. */
@Tag(TestBackend.BOTH_BACKENDS)
class HttpReadApiTest {

    @TempDir
    Path dir;

    private HttpListenerFixture http;

    @BeforeEach
    void start() throws Exception {
        http = new HttpListenerFixture(dir, new HttpIngestConfiguration());
        http.createTopic("orders", 2);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private void produce(int partition, String key, byte[] value, Header... headers) throws Exception {
        http.bus.producer().send("orders", new BusRecord(partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value, List.of(headers), BusRecord.NO_TIMESTAMP)).get();
    }

    @Test
    void readsRecordsFromAnOffsetWithTextOrBase64Values() throws Exception {
        produce(1, "a", "first".getBytes(StandardCharsets.UTF_8), Header.of("trace", "t1"));
        produce(1, null, new byte[] {(byte) 0xFF, 0, 1});
        produce(1, "c", "third".getBytes(StandardCharsets.UTF_8));

        JsonNode page = json(http.get("/topics/orders/partitions/1/records?offset=1&max=10"));

        assertThat(page.get("records")).hasSize(2);
        JsonNode binary = page.get("records").get(0);
        assertThat(binary.get("offset").asLong()).isEqualTo(1);
        assertThat(binary.get("key").isNull()).isTrue();
        assertThat(binary.get("valueEncoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(binary.get("value").asText())).containsExactly(0xFF, 0, 1);
        assertThat(page.get("records").get(1).get("value").asText()).isEqualTo("third");
        assertThat(page.get("nextOffset").asLong()).isEqualTo(3);
        assertThat(page.get("endOffset").asLong()).isEqualTo(3);

        JsonNode first = json(http.get("/topics/orders/partitions/1/records?max=1")).get("records").get(0);
        assertThat(first.get("key").asText()).isEqualTo("a");
        assertThat(first.get("value").asText()).isEqualTo("first");
        assertThat(first.get("timestamp").asLong()).isPositive();
        assertThat(first.get("headers").get(0).get("key").asText()).isEqualTo("trace");
        assertThat(first.get("headers").get(0).get("value").asText()).isEqualTo("t1");
    }

    @Test
    void refusesBadReadsWithClearErrors() throws Exception {
        produce(0, "a", "x".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> outOfRange = http.get("/topics/orders/partitions/0/records?offset=9");
        HttpResponse<String> noPartition = http.get("/topics/orders/partitions/7/records");
        HttpResponse<String> noTopic = http.get("/topics/nope/partitions/0/records");
        HttpResponse<String> badMax = http.get("/topics/orders/partitions/0/records?max=0");
        HttpResponse<String> noGroupForStream = http.get("/topics/orders/stream");
        HttpResponse<String> nothingThere = http.get("/elsewhere");

        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(json(outOfRange).get("detail").asText()).contains("use 0 to 1");
        assertThat(noPartition.statusCode()).isEqualTo(404);
        assertThat(noTopic.statusCode()).isEqualTo(404);
        assertThat(json(noTopic).get("type").asText()).isEqualTo("urn:busbar:problem:unknown_topic");
        assertThat(badMax.statusCode()).isEqualTo(400);
        assertThat(noGroupForStream.statusCode()).isEqualTo(400);
        assertThat(json(noGroupForStream).get("detail").asText()).contains("?group=");
        assertThat(nothingThere.statusCode()).isEqualTo(404);
    }

    @Test
    void listsTopicsWithOffsetsAndGroupsWithLag() throws Exception {
        produce(0, "a", "x".getBytes(StandardCharsets.UTF_8));
        produce(0, "b", "y".getBytes(StandardCharsets.UTF_8));
        try (var consumer = http.bus.consumer(io.busbar.bus.ConsumerConfig.group("billing"))) {
            consumer.commitSync(java.util.Map.of(new io.busbar.bus.TopicPartition("orders", 0),
                    new io.busbar.bus.CommittedOffset(1)));
        }

        JsonNode topics = json(http.get("/topics"));
        JsonNode groups = json(http.get("/groups"));
        JsonNode billing = json(http.get("/groups/billing"));

        JsonNode orders = topics.get(0);
        assertThat(orders.get("name").asText()).isEqualTo("orders");
        assertThat(orders.get("partitions").get(0).get("endOffset").asLong()).isEqualTo(2);
        assertThat(groups).extracting(g -> g.get("groupId").asText()).contains("billing");
        JsonNode offsets = billing.get("offsets").get(0);
        assertThat(offsets.get("committedOffset").asLong()).isEqualTo(1);
        assertThat(offsets.get("lag").asLong()).isEqualTo(1);
        assertThat(http.get("/groups/none").statusCode()).isEqualTo(404);
        assertThat(json(http.get("/topics/orders")).get("config").get("cleanup.policy").asText()).isEqualTo("delete");
    }

    @Test
    void theStreamPushesNewRecordsAndCommitsAsAGroupMember() throws Exception {
        produce(0, "k0", "before".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(http.url("/topics/orders/stream?group=dashboard")))
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = http.client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        List<String> ids = new ArrayList<>();
        Thread reader = new Thread(() -> readEvents(response.body(), events, ids));
        reader.setDaemon(true);
        reader.start();
        try {
            JsonNode first = events.poll(30, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.get("value").asText()).isEqualTo("before");

            // a record produced while the stream is open arrives on it
            assertThat(http.post("/topics/orders?key=k1", "application/json", "{\"live\":true}").statusCode()).isEqualTo(200);
            JsonNode live = events.poll(30, TimeUnit.SECONDS);
            assertThat(live).isNotNull();
            assertThat(live.get("value").asText()).isEqualTo("{\"live\":true}");
            assertThat(ids).hasSizeGreaterThanOrEqualTo(2);

            // the member commits what it has pushed
            await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal("dashboard") == 2);
        } finally {
            response.body().close();
        }
    }

    private long committedTotal(String group) {
        try {
            return http.bus.admin().describeGroup(group).offsets().stream()
                    .mapToLong(GroupDescription.PartitionOffsets::committedOffset).filter(o -> o > 0).sum();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static void readEvents(InputStream in, BlockingQueue<JsonNode> events, List<String> ids) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    ids.add(line.substring(4));
                } else if (line.startsWith("data: ")) {
                    events.add(HttpListenerFixture.JSON.readTree(line.substring(6)));
                }
            }
        } catch (java.io.IOException closed) {
            // the test closed the stream
        }
    }
}
