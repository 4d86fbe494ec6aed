package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every admin REST endpoint against a real runtime with the sample pipelines, over loopback HTTP. */
@Tag(TestBackend.BOTH_BACKENDS)
class AdminApiTest {

    @TempDir
    static Path dir;

    static RunningBusbar busbar;

    @BeforeAll
    static void start() throws Exception {
        busbar = RunningBusbar.start(dir, RunningBusbar.SAMPLE_PIPELINES, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        busbar.close();
    }

    @Test
    void healthAndReadinessAnswer() throws Exception {
        assertThat(busbar.get("/health").path("status").asText()).isEqualTo("UP");
        assertThat(busbar.get("/ready").path("status").asText()).isEqualTo("READY");
    }

    @Test
    void createsDescribesListsAndDeletesTopics() throws Exception {
        HttpResponse<String> created = busbar.send("POST", "/api/topics",
                "{\"name\": \"api-topic\", \"partitions\": 3, \"config\": {\"retention.ms\": \"3600000\"}}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode described = busbar.get("/api/topics/api-topic");
        assertThat(described.path("partitions")).hasSize(3);
        assertThat(described.path("config").path("retention.ms").asText()).isEqualTo("3600000");
        assertThat(names(busbar.get("/api/topics"), "name")).contains("api-topic", "orders");
        assertThat(busbar.send("POST", "/api/topics", "{\"name\": \"api-topic\"}").statusCode()).isEqualTo(409);
        assertThat(busbar.status("DELETE", "/api/topics/api-topic")).isEqualTo(204);
        assertThat(busbar.status("GET", "/api/topics/api-topic")).isEqualTo(404);
    }

    @Test
    void refusesBadInputWithAnErrorNamingTheFix() throws Exception {
        HttpResponse<String> noName = busbar.send("POST", "/api/topics", "{\"partitions\": 2}");
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(noName.body()).contains("'name'");
        HttpResponse<String> numberAsName = busbar.send("POST", "/api/topics", "{\"name\": 5}");
        assertThat(numberAsName.statusCode()).isEqualTo(400);
        assertThat(numberAsName.body()).contains("'name'", "text");
        assertThat(busbar.status("GET", "/api/topics/5")).isEqualTo(404);
        HttpResponse<String> unknownField = busbar.send("POST", "/api/topics", "{\"name\": \"x-topic\", \"partitons\": 2}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.body()).contains("'partitons'", "partitions");
        assertThat(busbar.send("POST", "/api/topics/api-records/records", "{\"records\": [{\"vale\": 1}]}").body())
                .contains("'vale'");
        assertThat(busbar.send("POST", "/api/dlq/payments/replay", "{\"limit\": \"all\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> badJson = busbar.send("POST", "/api/topics", "{not json");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(busbar.send("GET", "/api/topics/orders/records?limit=zero", null).body()).contains("'limit'");
        assertThat(busbar.status("PUT", "/api/topics")).isEqualTo(405);
        assertThat(busbar.status("GET", "/api/nothing-here")).isEqualTo(404);
    }

    @Test
    void producesRecordsAndReadsThemBackByOffsetAndAsRecent() throws Exception {
        JsonNode produced = busbar.post("/api/topics/api-records/records", """
                {"records": [{"key": "k1", "value": "one", "headers": {"source": "test"}},
                             {"key": "k1", "value": {"n": 2}},
                             {"key": "k1", "value": "three"}]}""");
        assertThat(produced.path("count").asInt()).isEqualTo(3);
        assertThat(produced.path("records").get(2).path("offset").asLong()).isEqualTo(2);

        JsonNode fromOne = busbar.get("/api/topics/api-records/records?partition=0&offset=1");
        assertThat(values(fromOne)).containsExactly("{\"n\":2}", "three");
        assertThat(fromOne.path("nextOffsets").path("0").asLong()).isEqualTo(3);

        JsonNode recent = busbar.get("/api/topics/api-records/records?limit=1");
        assertThat(values(recent)).containsExactly("three");
        JsonNode first = busbar.get("/api/topics/api-records/records?from=earliest&limit=1").path("records").get(0);
        assertThat(first.path("key").asText()).isEqualTo("k1");
        assertThat(first.path("headers").get(0).path("key").asText()).isEqualTo("source");
        assertThat(first.path("headers").get(0).path("value").asText()).isEqualTo("test");
    }

    @Test
    void recentRecordsAreTheNewestAcrossEveryPartition() throws Exception {
        busbar.send("POST", "/api/topics", "{\"name\": \"api-recent\", \"partitions\": 3}");
        // partition 2 holds the most records, partitions 0 and 1 the newest ones
        busbar.post("/api/topics/api-recent/records", """
                {"records": [{"partition": 2, "value": "p2-a", "timestamp": 1000},
                             {"partition": 2, "value": "p2-b", "timestamp": 1001},
                             {"partition": 2, "value": "p2-c", "timestamp": 1002},
                             {"partition": 2, "value": "p2-d", "timestamp": 1003},
                             {"partition": 0, "value": "p0-a", "timestamp": 2000},
                             {"partition": 1, "value": "p1-a", "timestamp": 3000}]}""");
        JsonNode recent = busbar.get("/api/topics/api-recent/records?from=recent&limit=3");
        assertThat(values(recent)).containsExactlyInAnyOrder("p0-a", "p1-a", "p2-d");
        JsonNode onlyTwo = busbar.get("/api/topics/api-recent/records?from=recent&partition=2&limit=2");
        assertThat(values(onlyTwo)).containsExactly("p2-c", "p2-d");
    }

    @Test
    void readsEachPartitionFromATimestamp() throws Exception {
        busbar.send("POST", "/api/topics", "{\"name\": \"api-time\", \"partitions\": 2}");
        busbar.post("/api/topics/api-time/records", """
                {"records": [{"partition": 0, "value": "p0-early", "timestamp": 1000},
                             {"partition": 0, "value": "p0-late", "timestamp": 5000},
                             {"partition": 1, "value": "p1-early", "timestamp": 2000},
                             {"partition": 1, "value": "p1-mid", "timestamp": 4000},
                             {"partition": 1, "value": "p1-late", "timestamp": 6000}]}""");
        JsonNode from = busbar.get("/api/topics/api-time/records?timestamp=3000");
        assertThat(values(from)).containsExactly("p0-late", "p1-mid", "p1-late");
        assertThat(values(busbar.get("/api/topics/api-time/records?timestamp=3000&partition=1&limit=1"))).containsExactly("p1-mid");
        assertThat(busbar.send("GET", "/api/topics/api-time/records?timestamp=1&offset=0", null).body()).contains("'offset' or 'timestamp'");
    }

    @Test
    void findsRecordsByKeyNewestFirst() throws Exception {
        busbar.send("POST", "/api/topics", "{\"name\": \"api-keys\", \"partitions\": 2}");
        busbar.post("/api/topics/api-keys/records", """
                {"records": [{"key": "a", "value": "a1", "partition": 0, "timestamp": 1000},
                             {"key": "b", "value": "b1", "partition": 1, "timestamp": 1100},
                             {"key": "a", "value": "a2", "partition": 1, "timestamp": 1200},
                             {"key": "c", "value": "c1", "partition": 0, "timestamp": 1300}]}""");
        JsonNode found = busbar.get("/api/topics/api-keys/search?key=a");
        assertThat(values(found)).containsExactly("a2", "a1");
        assertThat(found.path("scanned").asLong()).isEqualTo(4);
        assertThat(found.path("complete").asBoolean()).isTrue();
        JsonNode newestOnly = busbar.get("/api/topics/api-keys/search?key=a&scan=1");
        assertThat(values(newestOnly)).as("partition 0's newest record is c1").containsExactly("a2");
        assertThat(newestOnly.path("complete").asBoolean()).isFalse();
        assertThat(busbar.send("GET", "/api/topics/api-keys/search", null).body()).contains("'key'");
    }

    @Test
    void waitsForANewRecordWhenReadingFromTheEnd() throws Exception {
        busbar.post("/api/topics/api-wait/records", "{\"records\": [{\"value\": \"old\"}]}");
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(300);
                busbar.post("/api/topics/api-wait/records", "{\"records\": [{\"value\": \"new\"}]}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();
        JsonNode read = busbar.get("/api/topics/api-wait/records?from=latest&timeoutMs=20000");
        producer.join(30_000);
        assertThat(values(read)).containsExactly("new");
        assertThat(values(busbar.get("/api/topics/api-wait/records?from=latest"))).isEmpty();
    }

    @Test
    void readsAsAGroupCommittingWhatItReturns() throws Exception {
        busbar.post("/api/topics/api-group-read/records", "{\"records\": [{\"value\": \"a\"}, {\"value\": \"b\"}, {\"value\": \"c\"}]}");
        JsonNode first = busbar.get("/api/topics/api-group-read/records?group=reader&limit=2");
        assertThat(values(first)).containsExactly("a", "b");
        assertThat(first.path("committed").asBoolean()).isTrue();
        assertThat(values(busbar.get("/api/topics/api-group-read/records?group=reader"))).containsExactly("c");
        JsonNode group = busbar.get("/api/groups/reader");
        assertThat(group.path("partitions").get(0).path("committedOffset").asLong()).isEqualTo(3);
        assertThat(group.path("lag").asLong()).isZero();
    }

    @Test
    void listsDescribesResetsAndDeletesGroups() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> names(busbar.get("/api/groups"), "groupId").contains("billing"));
        JsonNode billing = busbar.get("/api/groups/billing");
        assertThat(billing.path("members")).isNotEmpty();
        assertThat(billing.path("partitions").get(0).path("topic").asText()).isEqualTo("orders");
        // a group with live members cannot be reset or deleted
        assertThat(busbar.send("POST", "/api/groups/billing/reset-offsets", "{\"topic\": \"orders\", \"to\": \"earliest\"}")
                .statusCode()).isEqualTo(409);

        busbar.post("/api/topics/api-reset/records", "{\"records\": [{\"value\": \"a\"}, {\"value\": \"b\"}]}");
        busbar.get("/api/topics/api-reset/records?group=resettable");
        JsonNode reset = busbar.post("/api/groups/resettable/reset-offsets",
                "{\"topic\": \"api-reset\", \"to\": \"offset\", \"value\": 1}");
        assertThat(reset.path("offsets").path("api-reset-0").asLong()).isEqualTo(1);
        assertThat(busbar.get("/api/groups/resettable").path("lag").asLong()).isEqualTo(1);
        JsonNode preview = busbar.post("/api/groups/resettable/reset-offsets",
                "{\"topic\": \"api-reset\", \"to\": \"latest\", \"dryRun\": true}");
        assertThat(preview.path("dryRun").asBoolean()).isTrue();
        assertThat(preview.path("partitions").get(0).path("currentOffset").asLong()).isEqualTo(1);
        assertThat(preview.path("partitions").get(0).path("newOffset").asLong()).isEqualTo(2);
        assertThat(busbar.get("/api/groups/resettable").path("lag").asLong()).as("a preview moves nothing").isEqualTo(1);
        // a preview is allowed while the group has members: it only computes
        JsonNode live = busbar.post("/api/groups/billing/reset-offsets", "{\"topic\": \"orders\", \"to\": \"earliest\", \"dryRun\": true}");
        assertThat(live.path("partitions")).hasSize(2);
        assertThat(live.path("partitions").get(0).path("newOffset").asLong()).isZero();
        assertThat(busbar.send("POST", "/api/groups/resettable/reset-offsets", "{\"topic\": \"api-reset\", \"to\": \"sideways\"}")
                .statusCode()).isEqualTo(400);
        assertThat(busbar.status("DELETE", "/api/groups/resettable")).isEqualTo(204);
        assertThat(busbar.status("GET", "/api/groups/resettable")).isEqualTo(404);
    }

    @Test
    void inspectsDeadLettersAndReplaysThemToTheirTopic() throws Exception {
        busbar.post("/api/topics/payments/records",
                "{\"records\": [{\"key\": \"p1\", \"value\": \"bad 1\"}, {\"key\": \"p2\", \"value\": \"good\"}, {\"key\": \"p3\", \"value\": \"bad 2\"}]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> busbar.get("/api/dlq/payments").path("records").size() == 2);
        JsonNode inspection = busbar.get("/api/dlq/payments");
        JsonNode first = inspection.path("records").get(0);
        assertThat(first.path("originalTopic").asText()).isEqualTo("payments");
        assertThat(first.path("exceptionClass").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(first.path("exceptionMessage").asText()).isEqualTo("rejected payment");
        assertThat(first.path("originalOffset").isNumber()).isTrue();
        assertThat(inspection.path("pending").asLong()).isEqualTo(2);
        assertThat(names(busbar.get("/api/dlq"), "topic")).contains("payments.dlq");
        JsonNode payments = busbar.get("/api/pipelines/payments");
        assertThat(payments.path("failures").asLong()).isEqualTo(2);
        assertThat(payments.path("lastError").path("message").asText()).isEqualTo("rejected payment");

        // stopped, so the replayed records wait in their topic instead of failing again while we count
        assertThat(busbar.post("/api/pipelines/payments/stop", "").path("status").asText()).isEqualTo("stopped");
        long before = endOffset("payments");
        JsonNode replay = busbar.post("/api/dlq/payments/replay", "{\"limit\": 1}");
        assertThat(replay.path("replayed").asInt()).isEqualTo(1);
        assertThat(replay.path("remaining").asLong()).isEqualTo(1);
        JsonNode rest = busbar.post("/api/dlq/payments.dlq/replay", "{}");
        assertThat(rest.path("replayed").asInt()).isEqualTo(1);
        assertThat(rest.path("remaining").asLong()).isZero();
        assertThat(busbar.post("/api/dlq/payments/replay", "{}").path("replayed").asInt()).isZero();
        assertThat(endOffset("payments")).isEqualTo(before + 2);
        JsonNode replayed = busbar.get("/api/topics/payments/records?limit=2");
        assertThat(values(replayed)).containsExactlyInAnyOrder("bad 1", "bad 2");
        for (JsonNode r : replayed.path("records")) {
            assertThat(r.path("headers").toString()).doesNotContain("bus.dlq.");
        }
        JsonNode dlqs = busbar.get("/api/dlq");
        assertThat(dlqs.get(names(dlqs, "topic").indexOf("payments.dlq")).path("replayed").asLong()).isEqualTo(2);
        assertThat(busbar.post("/api/pipelines/payments/start", "").path("status").asText()).isEqualTo("running");
    }

    @Test
    void showsPipelinesWithFiguresAndStopsAndStartsThem() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                busbar.get("/api/pipelines/billing").path("exchanges").asLong() > 3);
        JsonNode pipelines = busbar.get("/api/pipelines");
        assertThat(names(pipelines, "id")).containsExactly("billing", "generator", "payments");
        JsonNode billing = busbar.get("/api/pipelines/billing");
        assertThat(billing.path("status").asText()).isEqualTo("running");
        assertThat(billing.path("source").asText()).startsWith("bus://orders");
        assertThat(billing.path("recordsOut").asLong()).isPositive();
        List<String> uris = new ArrayList<>();
        billing.path("steps").forEach(s -> uris.add(s.path("uri").asText()));
        assertThat(uris).contains("bus:invoices");

        assertThat(busbar.post("/api/pipelines/generator/stop", "").path("status").asText()).isEqualTo("stopped");
        long stopped = busbar.get("/api/pipelines/generator").path("exchanges").asLong();
        assertThat(busbar.post("/api/pipelines/generator/start", "").path("status").asText()).isEqualTo("running");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                busbar.get("/api/pipelines/generator").path("exchanges").asLong() > stopped);
        assertThat(busbar.status("GET", "/api/pipelines/nope")).isEqualTo(404);
    }

    @Test
    void exportsPrometheusMetricsForTopicsGroupsPipelinesAndTheJvm() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String m = busbar.send("GET", "/metrics", null).body();
            return m.contains("busbar_group_lag{group=\"billing\"") && m.contains("busbar_pipeline_exchanges_total{pipeline=\"billing\"}");
        });
        String metrics = busbar.send("GET", "/metrics", null).body();
        assertThat(metrics).contains("busbar_topic_records_in_total{topic=\"orders\"}",
                "busbar_topic_records_out_total{topic=\"orders\"}", "busbar_topic_in_bytes_total{topic=\"orders\"}",
                "busbar_topic_size_bytes{topic=\"orders\"}", "busbar_pipeline_latency_seconds_count{pipeline=\"billing\"}",
                "busbar_pipeline_failures_total", "busbar_data_dir_size_bytes", "jvm_memory_used_bytes", "disk_free_bytes",
                "log4j2_events_total{level=\"info\"");
        if (!TestBackend.current().isKafka()) { // on a Kafka cluster the brokers fsync
            assertThat(MetricsScrape.value(metrics, "busbar_log_fsync_seconds_count")).isNotNegative();
        }
        assertThat(metrics).contains("camel_exchanges_total{", "route_id=\"billing\"");
        MetricsScrape.assertPassesPromtool(metrics);
        double first = MetricsScrape.value(metrics, "busbar_topic_records_in_total{topic=\"orders\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> MetricsScrape.value(busbar.send("GET", "/metrics", null).body(),
                "busbar_topic_records_in_total{topic=\"orders\"}") > first);
    }

    @Test
    void keepsAHistoryForTheConsoleCharts() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> busbar.get("/api/metrics/history").size() >= 3);
        JsonNode history = busbar.get("/api/metrics/history");
        JsonNode last = history.get(history.size() - 1);
        assertThat(last.path("topics").path("orders").path("recordsIn").asLong()).isPositive();
        assertThat(last.path("pipelines").has("billing")).isTrue();
        long lastTime = last.path("time").asLong();
        assertThat(busbar.get("/api/metrics/history?since=" + lastTime).size()).isLessThan(history.size());
    }

    @Test
    void servesTheOpenApiDescriptionAndTheConsole() throws Exception {
        HttpResponse<String> openapi = busbar.send("GET", "/openapi.yaml", null);
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(openapi.body()).startsWith("openapi: 3").contains("/api/dlq/{topic}/replay");
        HttpResponse<String> console = busbar.send("GET", "/console/", null);
        assertThat(console.statusCode()).isEqualTo(200);
        assertThat(console.body()).contains("<title>Busbar console</title>");
        assertThat(busbar.status("GET", "/console/console.js")).isEqualTo(200);
        assertThat(busbar.status("GET", "/console/../secret")).isIn(400, 404);
    }

    private static long endOffset(String topic) throws Exception {
        long end = 0;
        for (JsonNode p : busbar.get("/api/topics/" + topic).path("partitions")) {
            end += p.path("endOffset").asLong();
        }
        return end;
    }

    static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    static List<String> values(JsonNode read) {
        List<String> out = new ArrayList<>();
        read.path("records").forEach(n -> out.add(n.path("value").asText()));
        return out;
    }
}
