package io.busbar.connectors.file;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Durability;
import io.busbar.bus.TestBackend;
import io.busbar.bus.TopicPartition;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The file-sink kamelet on a real embedded bus and real files. */
@Tag(TestBackend.BOTH_BACKENDS)
class FileSinkTest extends CamelTestSupport {

    @TempDir
    Path dataDir;
    @TempDir
    Path outbox;

    Bus bus;

    @Override
    protected void bindToRegistry(Registry registry) {
        bus = TestBackend.current().open(BusConfig.builder(dataDir).durability(Durability.OS).build());
        registry.bind("bus", bus);
    }

    @Override
    protected void doPostTearDown() throws Exception {
        if (bus != null) {
            bus.close();
        }
        super.doPostTearDown();
    }

    private void startSink(String topic, String options) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:file-sink?topic=" + topic + "&groupId=archive&directory=" + outbox + "&" + options)
                        .routeId("sink").to("mock:written");
            }
        });
    }

    private void produce(String topic, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            bus.producer().send(topic, BusRecord.of("k" + i, "{\"n\":" + i + "}")).get();
        }
    }

    private List<String> finalFiles() throws IOException {
        try (Stream<Path> files = Files.list(outbox)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /** Lines of every final file, in file-name (= offset) order. */
    private List<String> allLines() throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (String name : finalFiles()) {
            lines.addAll(Files.readAllLines(outbox.resolve(name)));
        }
        return lines;
    }

    private Map<TopicPartition, Long> committed(String topic) {
        return bus.admin().describeGroup("archive").offsets().stream()
                .filter(o -> o.partition().topic().equals(topic))
                .collect(java.util.stream.Collectors.toMap(o -> o.partition(), o -> o.committedOffset()));
    }

    @Test
    void rollsByRecordCountAndByAgeWithNamesFromPartitionAndFirstOffset() throws Exception {
        bus.admin().createTopic("orders", 1, Map.of());
        produce("orders", 0, 25);
        startSink("orders", "rollRecords=10&rollIntervalMs=300");

        await().atMost(Duration.ofSeconds(30)).until(() -> finalFiles().size() == 3);
        assertThat(finalFiles()).containsExactly(
                "orders-0-00000000000000000000.jsonl", "orders-0-00000000000000000010.jsonl", "orders-0-00000000000000000020.jsonl");
        assertThat(Files.readAllLines(outbox.resolve("orders-0-00000000000000000010.jsonl")))
                .containsExactlyElementsOf(IntStream.range(10, 20).mapToObj(i -> "{\"n\":" + i + "}").toList());
        assertThat(Files.readAllLines(outbox.resolve("orders-0-00000000000000000020.jsonl"))).hasSize(5);
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(25).equals(committed("orders").get(new TopicPartition("orders", 0))));
    }

    @Test
    void offsetsAreNotCommittedWhileTheirFileIsOpenAndItIsInvisibleUnderItsFinalName() throws Exception {
        bus.admin().createTopic("slow", 1, Map.of());
        produce("slow", 0, 5);
        startSink("slow", "rollRecords=100&rollIntervalMs=60000");

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Stream<Path> files = Files.list(outbox)) {
                return files.anyMatch(p -> p.getFileName().toString().endsWith(RollingFile.TEMP_SUFFIX));
            }
        });
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() ->
                finalFiles().isEmpty() && committed("slow").getOrDefault(new TopicPartition("slow", 0), -1L) <= 0);

        context.stop();
        assertThat(finalFiles()).containsExactly("slow-0-00000000000000000000.jsonl");
        assertThat(committed("slow")).containsEntry(new TopicPartition("slow", 0), 5L);
    }

    @Test
    void csvFilesGetAHeaderRowAndQuotedFields() throws Exception {
        bus.admin().createTopic("people", 1, Map.of());
        bus.producer().send("people", BusRecord.of("1", "{\"id\":\"1\",\"name\":\"Kim, Min-ji\",\"note\":\"김치 😀\"}")).get();
        bus.producer().send("people", BusRecord.of("2", "{\"id\":\"2\",\"name\":\"Bo \\\"B\\\"\",\"note\":\"\"}")).get();
        startSink("people", "format=csv&rollRecords=2");

        await().atMost(Duration.ofSeconds(30)).until(() -> finalFiles().size() == 1);
        assertThat(Files.readString(outbox.resolve("people-0-00000000000000000000.csv"))).isEqualTo(
                "id,name,note\n1,\"Kim, Min-ji\",김치 😀\n2,\"Bo \"\"B\"\"\",\n");
    }

    @Test
    void replayAfterACrashRewritesTheSameFilesAndDropsSupersededOnes() throws Exception {
        bus.admin().createTopic("replay", 1, Map.of());
        produce("replay", 0, 12);
        // What a run that crashed after renaming files but before committing their offsets left behind,
        // with different roll boundaries (e.g. rolled by time): 0..4 and 5..9.
        Files.writeString(outbox.resolve("replay-0-00000000000000000000.jsonl"), "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
        Files.writeString(outbox.resolve("replay-0-00000000000000000005.jsonl"), "{\"n\":5}\n{\"n\":6}\n{\"n\":7}\n{\"n\":8}\n{\"n\":9}\n");
        Files.writeString(outbox.resolve(".replay-0-0-dead" + RollingFile.TEMP_SUFFIX), "{\"n\":0}\n{\"n\":1");
        Files.setLastModifiedTime(outbox.resolve(".replay-0-0-dead" + RollingFile.TEMP_SUFFIX),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        startSink("replay", "rollRecords=10&rollIntervalMs=300");

        await().atMost(Duration.ofSeconds(30)).until(() -> finalFiles().size() == 2
                && finalFiles().contains("replay-0-00000000000000000010.jsonl"));
        assertThat(finalFiles()).containsExactly("replay-0-00000000000000000000.jsonl", "replay-0-00000000000000000010.jsonl");
        List<String> all = Stream.concat(Files.readAllLines(outbox.resolve("replay-0-00000000000000000000.jsonl")).stream(),
                Files.readAllLines(outbox.resolve("replay-0-00000000000000000010.jsonl")).stream()).toList();
        assertThat(all).containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> "{\"n\":" + i + "}").toList());
        try (Stream<Path> files = Files.list(outbox)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("dead"));
        }
    }

    @Test
    void aValueThatIsNotOneJsonLineIsDeadLetteredAndTheRestWritten() throws Exception {
        bus.admin().createTopic("mixed", 1, Map.of());
        bus.producer().send("mixed", BusRecord.of("a", "{\"ok\":1}")).get();
        bus.producer().send("mixed", BusRecord.of("b", "{\"broken\":\n1}")).get();
        bus.producer().send("mixed", BusRecord.of("c", "{\"ok\":2}")).get();
        startSink("mixed", "rollRecords=2&rollIntervalMs=300");

        await().atMost(Duration.ofSeconds(60)).until(() -> FileTestBus.count(bus, "mixed.dlq") == 1);
        assertThat(FileTestBus.values(bus, "mixed.dlq")).containsExactly("{\"broken\":\n1}");
        await().atMost(Duration.ofSeconds(30)).until(() -> allLines().size() == 2);
        assertThat(allLines()).containsExactly("{\"ok\":1}", "{\"ok\":2}");
    }

    @Test
    void aCsvSinkDeadLettersANonJsonRecordAtOnceWithTheReasonAndWritesTheRest() throws Exception {
        bus.admin().createTopic("rows", 1, Map.of());
        bus.producer().send("rows", BusRecord.of("a", "{\"id\":1,\"name\":\"x\"}")).get();
        bus.producer().send("rows", BusRecord.of("b", "id=2;name=y")).get();
        bus.producer().send("rows", BusRecord.of("c", "{\"id\":3,\"name\":\"z\"}")).get();
        startSink("rows", "format=csv&rollRecords=2&rollIntervalMs=300");

        await().atMost(Duration.ofSeconds(60)).until(() -> FileTestBus.count(bus, "rows.dlq") == 1);
        var dead = FileTestBus.readAll(bus, "rows.dlq").get(0);
        assertThat(dead.keyAsString()).isEqualTo("b");
        Map<String, String> headers = new java.util.HashMap<>();
        dead.headers().forEach(h -> headers.put(h.key(), h.valueAsString()));
        assertThat(headers.get(io.busbar.connectors.bus.BusConstants.DLQ_REASON))
                .contains("file sink (csv) cannot write rows-0@1").contains("not JSON");
        assertThat(headers).as("a data error is not redelivered").containsEntry(io.busbar.connectors.bus.BusConstants.DLQ_ATTEMPTS, "1");
        await().atMost(Duration.ofSeconds(30)).until(() -> allLines().size() == 3);
        assertThat(allLines()).containsExactly("id,name", "1,x", "3,z");
    }

    @Test
    void errorPolicySkipLeavesARecordTheFormatCannotHoldOut() throws Exception {
        bus.admin().createTopic("skipped", 1, Map.of());
        bus.producer().send("skipped", BusRecord.of("a", "{\"ok\":1}")).get();
        bus.producer().send("skipped", BusRecord.of("b", "{\"broken\":\n1}")).get();
        bus.producer().send("skipped", BusRecord.of("c", "{\"ok\":2}")).get();
        startSink("skipped", "rollRecords=3&rollIntervalMs=300&errorPolicy=skip");

        await().atMost(Duration.ofSeconds(30)).until(() -> committed("skipped").values().stream().mapToLong(Long::longValue).sum() == 3);
        assertThat(allLines()).containsExactly("{\"ok\":1}", "{\"ok\":2}");
        assertThat(FileTestBus.count(bus, "skipped.dlq")).isZero();
    }
}
