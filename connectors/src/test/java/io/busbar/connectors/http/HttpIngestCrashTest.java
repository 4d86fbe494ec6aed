package io.busbar.connectors.http;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicPartition;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledged means durable: a child JVM runs the HTTP ingest while clients post records (single and batches);
 * it is killed with SIGKILL mid-traffic; the data directory is reopened and every record the child acknowledged
 * must be there, at the acknowledged partition and offset. Cycles: {@code busbar.crash.cycles} / 25, at least 2.
 */
class HttpIngestCrashTest {

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** partition → offset → value, for every acknowledged record. */
    private final Map<TopicPartition, Map<Long, String>> acknowledged = new ConcurrentHashMap<>();

    @Test
    void acknowledgedRequestsSurviveSigkillOfTheRuntime() throws Exception {
        int cycles = Math.max(2, Integer.getInteger("busbar.crash.cycles", 50) / 25);
        AtomicLong sequence = new AtomicLong();
        for (int cycle = 0; cycle < cycles; cycle++) {
            int port = AvailablePortFinder.getNextAvailable();
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), HttpIngestChild.class.getName(),
                    dir.toString(), Integer.toString(port))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            try {
                awaitReady(out);
            } catch (AssertionError | RuntimeException e) {
                child.toHandle().destroyForcibly();
                throw e;
            }
            int before = count();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                clients.submit(() -> postUntilRefused(port, sequence));
            }
            // kill once this cycle has had some acknowledgements, mid-traffic
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (count() < before + 50 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            child.toHandle().destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(count()).as("acknowledged in cycle %d", cycle).isGreaterThanOrEqualTo(before + 50);
            verifyEveryAcknowledgedRecordIsThere();
        }
    }

    /** Skips the child's log lines (they go to stdout too) until it says READY. */
    private static void awaitReady(BufferedReader out) throws java.io.IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals("READY")) {
                return;
            }
        }
        throw new AssertionError("The ingest child exited before it was ready");
    }

    /** Posts singles and batches until the child is gone; records what it acknowledged. */
    private void postUntilRefused(int port, AtomicLong sequence) {
        try {
            while (true) {
                long s = sequence.incrementAndGet();
                boolean batch = s % 3 == 0;
                List<String> values = batch ? List.of("\"r-" + s + "-a\"", "\"r-" + s + "-b\"") : List.of("\"r-" + s + "\"");
                String body = batch ? "[" + String.join(",", values) + "]" : values.get(0);
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/topics/crash?key=k" + s))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    continue;
                }
                JsonNode ack = HttpListenerFixture.JSON.readTree(response.body());
                List<JsonNode> positions = new ArrayList<>();
                if (batch) {
                    ack.get("records").forEach(positions::add);
                } else {
                    positions.add(ack);
                }
                for (int i = 0; i < positions.size(); i++) {
                    TopicPartition tp = new TopicPartition("crash", positions.get(i).get("partition").asInt());
                    acknowledged.computeIfAbsent(tp, k -> new ConcurrentHashMap<>())
                            .put(positions.get(i).get("offset").asLong(), values.get(i));
                }
            }
        } catch (Exception childGone) {
            // the child was killed: connection refused or reset ends this client
        }
    }

    private int count() {
        return acknowledged.values().stream().mapToInt(Map::size).sum();
    }

    private void verifyEveryAcknowledgedRecordIsThere() {
        try (Bus bus = Bus.open(BusConfig.builder(dir).build());
             BusConsumer consumer = bus.consumer(ConsumerConfig.builder().maxPollRecords(10_000).build())) {
            for (var entry : acknowledged.entrySet()) {
                TopicPartition tp = entry.getKey();
                long end = bus.admin().describeTopic("crash").partitions().get(tp.partition()).endOffset();
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                Map<Long, String> stored = new java.util.HashMap<>();
                while (consumer.position(tp) < end) {
                    for (ConsumedRecord r : consumer.poll(Duration.ofSeconds(5))) {
                        stored.put(r.offset(), r.valueAsString());
                    }
                }
                entry.getValue().forEach((offset, value) ->
                        assertThat(stored.get(offset)).as("acknowledged %s offset %d", tp, offset).isEqualTo(value));
            }
        }
    }
}
