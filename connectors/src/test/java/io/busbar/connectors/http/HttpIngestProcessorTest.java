package io.busbar.connectors.http;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import io.busbar.bus.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.busbar.connectors.http.HttpListenerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The ingest over real loopback HTTP into a real bus: every answer, every error code. */
@Tag(TestBackend.BOTH_BACKENDS)
class HttpIngestProcessorTest {

    @TempDir
    Path dir;

    private HttpListenerFixture http;

    private HttpListenerFixture start(HttpIngestConfiguration config) throws Exception {
        http = new HttpListenerFixture(dir.resolve("bus"), config);
        return http;
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void acknowledgesASingleRecordWithItsDurablePosition() throws Exception {
        start(new HttpIngestConfiguration()).createTopic("orders", 1);

        HttpResponse<String> response = http.post("/topics/orders", "application/json", "{\"id\":1}",
                "X-Record-Key", "customer-7");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode ack = json(response);
        assertThat(ack.get("topic").asText()).isEqualTo("orders");
        assertThat(ack.get("partition").asInt()).isZero();
        assertThat(ack.get("offset").asLong()).isZero();
        List<ConsumedRecord> stored = http.readAll("orders", 0);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).valueAsString()).isEqualTo("{\"id\":1}");
        assertThat(stored.get(0).keyAsString()).isEqualTo("customer-7");
    }

    @Test
    void keyFromTheQueryParameterWinsOverTheHeader() throws Exception {
        start(new HttpIngestConfiguration()).createTopic("orders", 1);

        http.post("/topics/orders?key=from%20query", "application/json", "1", "X-Record-Key", "from-header");

        assertThat(http.readAll("orders", 0).get(0).keyAsString()).isEqualTo("from query");
    }

    @Test
    void copiesOnlyAllowListedHeadersIntoTheRecord() throws Exception {
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        config.setHeaders("X-Trace-Id, CamelHttpMethod");
        start(config).createTopic("orders", 1);

        http.post("/topics/orders", "application/json", "{}", "X-Trace-Id", "t-1", "X-Other", "no");

        List<Header> headers = http.readAll("orders", 0).get(0).headers();
        assertThat(headers).extracting(Header::key).containsExactly("X-Trace-Id");
        assertThat(headers.get(0).valueAsString()).isEqualTo("t-1");
    }

    @Test
    void aJsonArrayIsABatchAnsweredPerRecord() throws Exception {
        start(new HttpIngestConfiguration()).createTopic("orders", 1);

        HttpResponse<String> response = http.post("/topics/orders", "application/json", "[{\"a\":1}, 2, \"three\"]");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode ack = json(response);
        assertThat(ack.get("count").asInt()).isEqualTo(3);
        assertThat(ack.get("records")).extracting(r -> r.get("offset").asLong()).containsExactly(0L, 1L, 2L);
        assertThat(http.readAll("orders", 0)).extracting(ConsumedRecord::valueAsString)
                .containsExactly("{\"a\":1}", "2", "\"three\"");
    }

    @Test
    void newlineDelimitedJsonIsABatch() throws Exception {
        start(new HttpIngestConfiguration()).createTopic("orders", 1);

        HttpResponse<String> response = http.post("/topics/orders", "application/x-ndjson", "{\"a\":1}\n\n{\"a\":2}\n");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("count").asInt()).isEqualTo(2);
        assertThat(http.readAll("orders", 0)).extracting(ConsumedRecord::valueAsString)
                .containsExactly("{\"a\":1}", "{\"a\":2}");
    }

    @Test
    void unknownTopicIs404UnlessAutoCreateIsOn() throws Exception {
        start(new HttpIngestConfiguration());

        HttpResponse<String> response = http.post("/topics/nope", "application/json", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("type").asText()).isEqualTo("urn:busbar:problem:unknown_topic");
        assertThat(json(response).get("detail").asText()).contains("nope", "autoCreateTopics");
        assertThat(http.bus.admin().listTopics(false)).doesNotContain("nope");
    }

    @Test
    void autoCreateCreatesTheTopicOnFirstWrite() throws Exception {
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        config.setAutoCreateTopics(true);
        config.setPartitions(3);
        start(config);

        assertThat(http.post("/topics/fresh", "application/json", "{}").statusCode()).isEqualTo(200);
        assertThat(http.bus.admin().describeTopic("fresh").partitions()).hasSize(3);
    }

    @Test
    void aBodyOverTheLimitIs413AndWritesNothing() throws Exception {
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        config.setMaxBodyBytes(100);
        start(config).createTopic("orders", 1);

        HttpResponse<String> response = http.post("/topics/orders", "application/json", "\"" + "x".repeat(200) + "\"");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("type").asText()).isEqualTo("urn:busbar:problem:body_too_large");
        assertThat(http.bus.admin().describeTopic("orders").partitions().get(0).endOffset()).isZero();
    }

    @Test
    void aBodyFarOverTheLimitIsStill413() throws Exception {
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        config.setMaxBodyBytes(100);
        start(config).createTopic("orders", 1);

        HttpResponse<String> response = http.post("/topics/orders", "application/json", "\"" + "x".repeat(10_000) + "\"");

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void anotherMediaTypeThanJsonIs415() throws Exception {
        start(new HttpIngestConfiguration()).createTopic("orders", 1);

        HttpResponse<String> response = http.post("/topics/orders", "text/csv", "a,b");

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response).get("type").asText()).isEqualTo("urn:busbar:problem:unsupported_media_type");
    }

    @Test
    void invalidJsonIs400NamingWhereItBroke() throws Exception {
        start(new HttpIngestConfiguration()).createTopic("orders", 1);

        HttpResponse<String> broken = http.post("/topics/orders", "application/json", "{\"a\": ");
        HttpResponse<String> twoValues = http.post("/topics/orders", "application/json", "{} {}");
        HttpResponse<String> badLine = http.post("/topics/orders", "application/x-ndjson", "{}\n{oops}\n");

        assertThat(List.of(broken, twoValues, badLine)).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).get("type").asText()).isEqualTo("urn:busbar:problem:invalid_body");
        });
        assertThat(json(badLine).get("detail").asText()).startsWith("Line 2");
        assertThat(http.bus.admin().describeTopic("orders").partitions().get(0).endOffset()).isZero();
    }

    @Test
    void textFormatRefusesInvalidUtf8AndBinaryKeepsBytes() throws Exception {
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        config.setFormat("text");
        start(config).createTopic("logs", 1);

        HttpResponse<String> ok = http.post("/topics/logs", "text/plain", "plain line");

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(http.readAll("logs", 0).get(0).valueAsString()).isEqualTo("plain line");
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28};
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.url("/topics/logs")))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(invalidUtf8)).build();
        assertThat(http.client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
    }

    @Test
    void aRequiredTokenIsCheckedFromConfigurationAndFile() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens.txt"), "# ingest clients\nfile-token\n", StandardCharsets.UTF_8);
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        config.setTokens("config-token");
        config.setTokensFile(tokens.toString());
        start(config).createTopic("orders", 1);

        HttpResponse<String> missing = http.post("/topics/orders", "application/json", "{}");
        HttpResponse<String> wrong = http.post("/topics/orders", "application/json", "{}", "Authorization", "Bearer guess");

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing).get("type").asText()).isEqualTo("urn:busbar:problem:unauthorized");
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(http.post("/topics/orders", "application/json", "{}", "Authorization", "Bearer config-token")
                .statusCode()).isEqualTo(200);
        assertThat(http.post("/topics/orders", "application/json", "{}", "Authorization", "Bearer file-token")
                .statusCode()).isEqualTo(200);
        assertThat(http.readAll("orders", 0)).hasSize(2);
    }

    @Test
    void overloadIs503WithRetryAfterAndNothingAcknowledgedIsLost() throws Exception {
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        config.setMaxInFlightRecords(2);
        config.setRetryAfterSeconds(3);
        start(config).createTopic("orders", 1);
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<String> acknowledged = new ArrayList<>();
        int overloaded = 0;
        try {
            // waves of concurrent requests until the bound is hit; with fsync acknowledgements it is within a wave
            for (int wave = 0; wave < 20 && overloaded == 0; wave++) {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    String body = "{\"wave\":" + wave + ",\"n\":" + i + "}";
                    answers.add(clients.submit(() -> http.post("/topics/orders", "application/json", body)));
                }
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> r = answer.get();
                    if (r.statusCode() == 200) {
                        acknowledged.add(r.request().uri().toString() + json(r).get("offset").asLong());
                    } else {
                        assertThat(r.statusCode()).isEqualTo(503);
                        assertThat(r.headers().firstValue("Retry-After")).hasValue("3");
                        assertThat(json(r).get("type").asText()).isEqualTo("urn:busbar:problem:overloaded");
                        overloaded++;
                    }
                }
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(overloaded).as("requests refused with 503").isPositive();
        // a refused request wrote nothing; every acknowledged one is in the log exactly once
        assertThat(http.readAll("orders", 0)).hasSize(acknowledged.size());
        assertThat(acknowledged).doesNotHaveDuplicates();
    }

    @Test
    void aBatchLargerThanTheInFlightBoundIs413() throws Exception {
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        config.setMaxInFlightRecords(2);
        start(config).createTopic("orders", 1);

        HttpResponse<String> response = http.post("/topics/orders", "application/json", "[1,2,3]");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("detail").asText()).contains("maxInFlightRecords");
    }

    @Test
    void aPathWithoutATopicIs400() throws Exception {
        start(new HttpIngestConfiguration());

        HttpResponse<String> response = http.post("/topics/bad%20name", "application/json", "{}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("type").asText()).isEqualTo("urn:busbar:problem:bad_request");
    }
}
