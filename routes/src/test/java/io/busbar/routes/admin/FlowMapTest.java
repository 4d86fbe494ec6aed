package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flow map and the pipeline diagrams of a runtime whose pipelines share topics: a file source, a choice between
 * two topics, a file sink and a multicast to a topic and an HTTP URL, with placeholders in their parameters.
 */
class FlowMapTest {

    /** Four pipelines over shared topics; {{app.*}} placeholders resolved from the runtime's settings. */
    static final Map<String, String> PIPELINES = Map.of(
            "ingest.yaml", """
                    - route:
                        id: ingest
                        from:
                          uri: kamelet:file-source
                          parameters: {directory: "{{app.inbox}}", topic: orders, format: lines}
                          steps:
                            - log: "read ${header.CamelFileName}"
                    """,
            "enrich.yaml", """
                    - route:
                        id: enrich
                        from:
                          uri: bus:orders
                          parameters: {groupId: enricher}
                          steps:
                            - choice:
                                when:
                                  - simple: "${body} contains 'vip'"
                                    steps:
                                      - to: bus:vip-orders
                                otherwise:
                                  steps:
                                    - marshal:
                                        json: {}
                                    - to: bus:enriched
                    """,
            "archive.yaml", """
                    - route:
                        id: archive
                        from:
                          uri: kamelet:file-sink
                          parameters: {topic: enriched, groupId: archive, directory: "{{app.outbox}}", format: jsonl, rollRecords: 10, rollIntervalMs: 500}
                          steps:
                            - log: "archived"
                    """,
            "alerts.yaml", """
                    - route:
                        id: alerts
                        from:
                          uri: bus:vip-orders
                          parameters: {groupId: alerter}
                          steps:
                            - multicast:
                                steps:
                                  - to: bus:audit
                                  - to:
                                      uri: kamelet:http-sink
                                      parameters: {url: "http://127.0.0.1:{{app.alert.port:9}}/alerts?token=s3cret"}
                    """,
            "lines.yaml", """
                    - route:
                        id: lines
                        from:
                          uri: bus:audit
                          parameters: {groupId: liner}
                          steps:
                            - split:
                                tokenize: ","
                                steps:
                                  - filter:
                                      simple: "${body} != ''"
                                      steps:
                                        - to: bus:audit-parts
                            - to: bus:audit-done
                    """);

    @TempDir
    static Path dir;

    static RunningBusbar busbar;
    static Path inbox;
    static Path outbox;

    @BeforeAll
    static void start() throws Exception {
        inbox = dir.resolve("inbox");
        outbox = dir.resolve("outbox");
        busbar = RunningBusbar.start(dir, PIPELINES, Map.of("app.inbox", inbox.toString(), "app.outbox", outbox.toString()));
        busbar.send("POST", "/api/topics", "{\"name\": \"audit\"}");
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("batch-1.txt"), "order 1\norder 2\norder 3\norder 4\n");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                busbar.get("/api/groups/archive").path("partitions").path(0).path("committedOffset").asLong() >= 4);
        // a consumer that is no pipeline: read with a group of its own (it commits, then leaves: no members)
        busbar.get("/api/topics/enriched/records?group=reporting&limit=1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (busbar != null) {
            busbar.close();
        }
    }

    @Test
    void nodesAreTheSourcesTopicsPipelinesSinksAndOtherConsumers() throws Exception {
        JsonNode map = busbar.get("/api/flows");
        assertThat(ids(map)).contains("topic:orders", "topic:enriched", "topic:vip-orders", "topic:audit",
                "pipeline:ingest", "pipeline:enrich", "pipeline:archive", "pipeline:alerts", "client:reporting",
                "source:folder:folder " + inbox, "sink:folder:folder " + outbox,
                "sink:url:HTTP POST http://127.0.0.1:9/alerts?token=xxxxxx");
        assertThat(ids(map)).noneMatch(id -> id.contains("file-source-") || id.contains("route"));
        assertThat(node(map, "pipeline:enrich").path("link").asText()).isEqualTo("#pipelines/enrich");
        assertThat(node(map, "topic:orders").path("link").asText()).isEqualTo("#topics/orders");
        assertThat(node(map, "client:reporting").path("link").asText()).isEqualTo("#groups/reporting");
        assertThat(map.toString()).doesNotContain("{{", "s3cret");
        assertThat(map.path("notes").toString()).contains("Kafka producers are not drawn");
    }

    @Test
    void edgesFollowTheEndpointsAndTheGroups() throws Exception {
        JsonNode map = busbar.get("/api/flows");
        assertThat(edges(map)).contains("source:folder:folder " + inbox + " -> pipeline:ingest",
                "pipeline:ingest -> topic:orders", "topic:orders -> pipeline:enrich",
                "pipeline:enrich -> topic:vip-orders", "pipeline:enrich -> topic:enriched",
                "topic:enriched -> pipeline:archive", "pipeline:archive -> sink:folder:folder " + outbox,
                "topic:vip-orders -> pipeline:alerts", "pipeline:alerts -> topic:audit",
                "pipeline:alerts -> sink:url:HTTP POST http://127.0.0.1:9/alerts?token=xxxxxx",
                "topic:enriched -> client:reporting");
        assertThat(edge(map, "topic:orders", "pipeline:enrich").path("group").asText()).isEqualTo("enricher");
        assertThat(edge(map, "topic:enriched", "client:reporting").path("lag").asLong())
                .as("reporting read 1 of 4 records").isEqualTo(3);
        assertThat(edge(map, "topic:enriched", "pipeline:archive").path("lag").asLong()).isZero();
    }

    @Test
    void edgesCarryTheLiveRate() throws Exception {
        Files.writeString(inbox.resolve("batch-2.txt"), "order 5\norder 6\norder 7\n");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                edge(busbar.get("/api/flows"), "pipeline:ingest", "topic:orders").path("ratePerSecond").asDouble() > 0);
        JsonNode e = edge(busbar.get("/api/flows"), "pipeline:ingest", "topic:orders");
        assertThat(e.path("rateOf").asText()).isEqualTo("topic");
        assertThat(e.path("ratePerSecond").asDouble()).isLessThan(1000);
    }

    @Test
    void kameletRoutesAreNoPipelines() throws Exception {
        List<String> pipelines = new ArrayList<>();
        busbar.get("/api/pipelines").forEach(p -> pipelines.add(p.path("id").asText()));
        assertThat(pipelines).containsExactly("alerts", "archive", "enrich", "ingest", "lines");
    }

    @Test
    void theDiagramBranchesAtTheChoiceWithReadableLabelsAndStepCounts() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> nodeByLabel(busbar.get("/api/pipelines/enrich").path("graph"),
                "to topic enriched").path("exchanges").asLong() >= 4);
        JsonNode graph = busbar.get("/api/pipelines/enrich").path("graph");
        JsonNode choice = nodeByKind(graph, "choice");
        List<String> branches = new ArrayList<>();
        graph.path("edges").forEach(e -> {
            if (e.path("from").asText().equals(choice.path("id").asText())) {
                branches.add(e.path("label").asText());
            }
        });
        assertThat(branches).containsExactlyInAnyOrder("when simple: ${body} contains 'vip'", "otherwise");
        assertThat(nodeByKind(graph, "marshal").path("label").asText()).isEqualTo("marshal json (jackson)");
        assertThat(nodeByKind(graph, "from").path("label").asText()).isEqualTo("from topic orders");
        assertThat(nodeByLabel(graph, "to topic vip-orders").path("exchanges").asLong()).isZero();
        assertThat(graph.toString()).doesNotContainPattern("@[0-9a-f]{6}");
    }

    @Test
    void kameletsAreOneNodeNamedAfterWhatTheyConnect() throws Exception {
        JsonNode ingest = busbar.get("/api/pipelines/ingest").path("graph");
        assertThat(nodeByKind(ingest, "from").path("label").asText()).isEqualTo("kamelet file-source: folder " + inbox);
        assertThat(nodeByKind(ingest, "from").path("detail").asText()).isEqualTo("to topic orders");
        JsonNode alerts = busbar.get("/api/pipelines/alerts").path("graph");
        JsonNode multicast = nodeByKind(alerts, "multicast");
        long copies = 0;
        for (JsonNode e : alerts.path("edges")) {
            if (e.path("from").asText().equals(multicast.path("id").asText())) {
                copies++;
            }
        }
        assertThat(copies).isEqualTo(2);
        assertThat(nodeByLabel(alerts, "kamelet http-sink: HTTP POST http://127.0.0.1:9/alerts?token=xxxxxx")).isNotNull();
    }

    @Test
    void aSplitsStepsHangOffItAndTheOriginalGoesOn() throws Exception {
        JsonNode graph = busbar.get("/api/pipelines/lines").path("graph");
        JsonNode split = nodeByKind(graph, "split");
        JsonNode filter = nodeByKind(graph, "filter");
        assertThat(split.path("detail").asText()).contains(",");
        assertThat(filter.path("detail").asText()).isEqualTo("simple: ${body} != ''");
        String parts = nodeByLabel(graph, "to topic audit-parts").path("id").asText();
        String done = nodeByLabel(graph, "to topic audit-done").path("id").asText();
        List<String> edges = new ArrayList<>();
        graph.path("edges").forEach(e -> edges.add(e.path("from").asText() + " -" + e.path("label").asText("") + "-> "
                + e.path("to").asText()));
        String s = split.path("id").asText();
        String f = filter.path("id").asText();
        assertThat(edges).contains(s + " -each part-> " + f, f + " -matches-> " + parts, s + " --> " + done)
                .noneMatch(e -> e.endsWith("-> " + done) && !e.startsWith(s + " "));
    }

    static List<String> ids(JsonNode map) {
        List<String> out = new ArrayList<>();
        map.path("nodes").forEach(n -> out.add(n.path("id").asText()));
        return out;
    }

    static List<String> edges(JsonNode map) {
        List<String> out = new ArrayList<>();
        map.path("edges").forEach(e -> out.add(e.path("from").asText() + " -> " + e.path("to").asText()));
        return out;
    }

    static JsonNode node(JsonNode map, String id) {
        for (JsonNode n : map.path("nodes")) {
            if (n.path("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no node " + id + " in " + ids(map));
    }

    static JsonNode edge(JsonNode map, String from, String to) {
        for (JsonNode e : map.path("edges")) {
            if (e.path("from").asText().equals(from) && e.path("to").asText().equals(to)) {
                return e;
            }
        }
        throw new AssertionError("no edge " + from + " -> " + to + " in " + edges(map));
    }

    private static JsonNode nodeByKind(JsonNode graph, String kind) {
        for (JsonNode n : graph.path("nodes")) {
            if (n.path("kind").asText().equals(kind)) {
                return n;
            }
        }
        throw new AssertionError("no " + kind + " node in " + graph);
    }

    private static JsonNode nodeByLabel(JsonNode graph, String label) {
        for (JsonNode n : graph.path("nodes")) {
            if (n.path("label").asText().equals(label)) {
                return n;
            }
        }
        throw new AssertionError("no node labelled '" + label + "' in " + graph);
    }
}
