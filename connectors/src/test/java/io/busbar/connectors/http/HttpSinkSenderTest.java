package io.busbar.connectors.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.Header;
import io.busbar.bus.TestBackend;
import io.busbar.bus.UnknownGroupException;
import io.busbar.connectors.bus.BusComponent;
import io.busbar.connectors.bus.BusConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The http-sink kamelet in a YAML pipeline, consuming a real bus topic and sending to a real loopback server that
 * fails in every way the sink must survive.
 */
@Tag(TestBackend.BOTH_BACKENDS)
class HttpSinkSenderTest {

    @TempDir
    Path dir;

    private Bus bus;
    private CamelContext camel;
    private ScriptedHttpServer target;

    @BeforeEach
    void open() throws Exception {
        bus = TestBackend.current().open(BusConfig.builder(dir).build());
        bus.admin().createTopic("orders", 1, Map.of());
        target = new ScriptedHttpServer();
    }

    @AfterEach
    void close() {
        if (camel != null) {
            camel.stop();
        }
        target.close();
        bus.close();
    }

    private void startPipeline() throws Exception {
        startPipeline(0, null);
    }

    /** @param errorPolicy the sink's errorPolicy, or null for its default */
    private void startPipeline(int maximumRedeliveries, String errorPolicy) throws Exception {
        camel = new DefaultCamelContext();
        camel.addComponent("bus", new BusComponent(bus));
        String yaml = """
                - route:
                    id: orders-to-webhook
                    from:
                      uri: "bus:orders"
                      parameters:
                        groupId: webhook
                        maximumRedeliveries: %d
                        commitIntervalMs: 0
                      steps:
                        - to:
                            uri: "kamelet:http-sink"
                            parameters:
                              url: "%s"
                              method: PUT
                              headers: "X-Custom=yes"
                              timeoutMs: 500
                              initialBackoffMs: 50
                              maxBackoffMs: 1500
                """.formatted(maximumRedeliveries, target.url("/hook"))
                + (errorPolicy == null ? "" : "              errorPolicy: " + errorPolicy + "\n");
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("orders-to-webhook.yaml", yaml));
        camel.start();
    }

    private void send(String key, String value) throws Exception {
        bus.producer().send("orders", BusRecord.of(key, value)).get();
    }

    private long committed() {
        try {
            GroupDescription group = bus.admin().describeGroup("webhook");
            return group.offsets().stream().filter(o -> o.partition().topic().equals("orders"))
                    .mapToLong(GroupDescription.PartitionOffsets::committedOffset).max().orElse(-1);
        } catch (UnknownGroupException e) {
            return -1;
        }
    }

    @Test
    void retriesTimeoutsDroppedConnections5xxAnd429UntilA2xxThenCommits() throws Exception {
        target.script(new ScriptedHttpServer.Status(503, "busy", null),
                new ScriptedHttpServer.Status(429, "slow down", "1"),
                new ScriptedHttpServer.Drop(),
                new ScriptedHttpServer.Hang(1500),
                new ScriptedHttpServer.Status(408, "", null),
                new ScriptedHttpServer.Status(500, "oops", null));
        send("k1", "{\"order\":1}");

        startPipeline();

        await().atMost(Duration.ofSeconds(60)).until(() -> committed() == 1);
        assertThat(target.received).hasSize(7);
        assertThat(target.received).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("PUT");
            assertThat(r.body()).isEqualTo("{\"order\":1}");
            assertThat(r.key()).isEqualTo("k1");
            assertThat(r.custom()).isEqualTo("yes");
            assertThat(r.contentType()).isEqualTo("application/json");
        });
        assertThat(target.delivered()).hasSize(1);
        assertThat(deadLetters()).isZero();
    }

    @Test
    void honoursRetryAfterBeforeTheNextAttempt() throws Exception {
        target.script(new ScriptedHttpServer.Status(429, "", "1"));
        send("k", "v");
        long start = System.nanoTime();

        startPipeline();

        await().atMost(Duration.ofSeconds(30)).until(() -> target.delivered().size() == 1);
        // initial backoff is 50 ms; only Retry-After: 1 explains a wait of a second
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void aClientErrorGoesToTheDeadLetterTopicWithStatusAndBodyAndIsCommitted() throws Exception {
        target.script(new ScriptedHttpServer.Status(422, "{\"error\":\"missing field sku\"}", null));
        send("bad", "{\"order\":\"bad\"}");
        send("good", "{\"order\":\"good\"}");

        startPipeline();

        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 2);
        assertThat(target.received).extracting(ScriptedHttpServer.Received::key).containsExactly("bad", "good");
        assertThat(target.delivered()).extracting(ScriptedHttpServer.Received::key).containsExactly("good");
        List<ConsumedRecord> dead = readAll("orders.dlq");
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).valueAsString()).isEqualTo("{\"order\":\"bad\"}");
        String message = header(dead.get(0), BusConstants.DLQ_EXCEPTION_MESSAGE);
        assertThat(message).contains("answered 422", "missing field sku");
        assertThat(header(dead.get(0), BusConstants.DLQ_EXCEPTION_CLASS)).isEqualTo(HttpSinkRejectedException.class.getName());
    }

    @Test
    void theOffsetIsNotCommittedWhileTheTargetFails() throws Exception {
        for (int i = 0; i < 8; i++) {
            target.script(new ScriptedHttpServer.Status(500, "down", null));
        }
        send("k", "v");

        startPipeline();

        await().atMost(Duration.ofSeconds(30)).until(() -> target.received.size() >= 5);
        assertThat(committed()).isLessThan(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 1);
        assertThat(target.delivered()).hasSize(1);
    }

    @Test
    void aBadRequestIsDeadLetteredAtOnceWithItsStatusWhileA503IsRetriedThenDelivered() throws Exception {
        target.script(new ScriptedHttpServer.Status(400, "{\"error\":\"bad sku\"}", null),
                new ScriptedHttpServer.Status(503, "busy", null));
        send("bad", "{\"order\":\"bad\"}");
        send("good", "{\"order\":\"good\"}");

        startPipeline(2, null); // redeliveries on: a data error must still not be sent again

        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 2);
        assertThat(target.received).extracting(ScriptedHttpServer.Received::key).containsExactly("bad", "good", "good");
        assertThat(target.delivered()).extracting(ScriptedHttpServer.Received::key).containsExactly("good");
        List<ConsumedRecord> dead = readAll("orders.dlq");
        assertThat(dead).hasSize(1);
        ConsumedRecord d = dead.get(0);
        assertThat(d.keyAsString()).isEqualTo("bad");
        assertThat(header(d, BusConstants.DLQ_HTTP_STATUS)).isEqualTo("400");
        assertThat(header(d, BusConstants.DLQ_REASON)).contains("answered 400", "record orders-0@0", "bad sku");
        assertThat(header(d, BusConstants.DLQ_ORIGINAL_TOPIC)).isEqualTo("orders");
        assertThat(header(d, BusConstants.DLQ_ORIGINAL_PARTITION)).isEqualTo("0");
        assertThat(header(d, BusConstants.DLQ_ORIGINAL_OFFSET)).isEqualTo("0");
        assertThat(header(d, BusConstants.DLQ_ATTEMPTS)).isEqualTo("1");
    }

    @Test
    void errorPolicySkipLogsARefusedRecordAndGoesOn() throws Exception {
        target.script(new ScriptedHttpServer.Status(404, "no such order", null));
        send("gone", "{\"order\":1}");
        send("next", "{\"order\":2}");

        startPipeline(0, "skip");

        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 2);
        assertThat(target.delivered()).extracting(ScriptedHttpServer.Received::key).containsExactly("next");
        assertThat(deadLetters()).isZero();
    }

    @Test
    void errorPolicyFailRetriesARefusedRecordUntilTheTargetTakesIt() throws Exception {
        target.script(new ScriptedHttpServer.Status(409, "conflict", null), new ScriptedHttpServer.Status(409, "conflict", null));
        send("k", "{\"order\":1}");

        startPipeline(0, "fail");

        await().atMost(Duration.ofSeconds(30)).until(() -> committed() == 1);
        assertThat(target.received).hasSize(3);
        assertThat(target.delivered()).hasSize(1);
        assertThat(deadLetters()).isZero();
    }

    private long deadLetters() {
        if (!bus.admin().listTopics(false).contains("orders.dlq")) {
            return 0;
        }
        return bus.admin().describeTopic("orders.dlq").partitions().get(0).endOffset();
    }

    private List<ConsumedRecord> readAll(String topic) {
        var consumer = bus.consumer(io.busbar.bus.ConsumerConfig.builder().build());
        try (consumer) {
            var tp = new io.busbar.bus.TopicPartition(topic, 0);
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            return consumer.poll(Duration.ofSeconds(5));
        }
    }

    private static String header(ConsumedRecord record, String name) {
        return record.headers().stream().filter(h -> h.key().equals(name)).map(Header::valueAsString).findFirst().orElse(null);
    }

}
