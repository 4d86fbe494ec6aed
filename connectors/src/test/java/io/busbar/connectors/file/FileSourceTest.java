package io.busbar.connectors.file;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Durability;
import io.busbar.bus.TestBackend;
import io.busbar.connectors.bus.BusConstants;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The file-source kamelet on real files and a real embedded bus. */
@Tag(TestBackend.BOTH_BACKENDS)
class FileSourceTest extends CamelTestSupport {

    @TempDir
    Path dataDir;
    @TempDir
    Path inbox;

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

    private void startSource(String options) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:file-source?directory=" + inbox + "&readLockCheckInterval=200&delay=100&" + options)
                        .routeId("source").to("mock:files");
            }
        });
    }

    private void awaitGone(Path file) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file));
    }

    @Test
    void csvWithQuotesNewlinesUnicodeAndEmptyFieldsBecomesJsonObjects() throws Exception {
        String csv = "id,name,note\r\n"
                + "1,\"Kim, Min-ji\",\"says \"\"hi\"\"\"\r\n"
                + "2,김민지 😀,\"two\nlines\"\r\n"
                + "3,,\r\n";
        Path file = Files.writeString(inbox.resolve("people.csv"), csv, StandardCharsets.UTF_8);
        startSource("topic=people&format=csv&keyField=id");
        awaitGone(file);

        List<ConsumedRecord> records = FileTestBus.readAll(bus, "people");
        assertThat(records).extracting(ConsumedRecord::valueAsString).containsExactly(
                "{\"id\":\"1\",\"name\":\"Kim, Min-ji\",\"note\":\"says \\\"hi\\\"\"}",
                "{\"id\":\"2\",\"name\":\"김민지 😀\",\"note\":\"two\\nlines\"}",
                "{\"id\":\"3\",\"name\":\"\",\"note\":\"\"}");
        assertThat(records).extracting(ConsumedRecord::keyAsString).containsExactly("1", "2", "3");
        assertThat(inbox.resolve(".done/people.csv")).hasContent(csv);
    }

    @Test
    void malformedCsvRowGoesToTheDeadLetterTopicAndTheFileGoesOn() throws Exception {
        Path file = Files.writeString(inbox.resolve("rows.csv"), "a,b\n1,2\n3,4,5\n6,7\n");
        startSource("topic=rows&format=csv&onMalformed=dead-letter");
        awaitGone(file);

        assertThat(FileTestBus.values(bus, "rows")).containsExactly("{\"a\":\"1\",\"b\":\"2\"}", "{\"a\":\"6\",\"b\":\"7\"}");
        List<ConsumedRecord> dead = FileTestBus.readAll(bus, "rows.dlq");
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).valueAsString()).isEqualTo("3,4,5");
        assertThat(dead.get(0).headers()).anySatisfy(h -> {
            assertThat(h.key()).isEqualTo(FileIngestion.REASON_HEADER);
            assertThat(h.valueAsString()).contains("record 2").contains("3 fields");
        });
        // the bus.dlq.* headers every dead letter carries, so inspect shows where it came from and why
        Map<String, String> dlq = new HashMap<>();
        dead.get(0).headers().forEach(h -> dlq.put(h.key(), h.valueAsString()));
        assertThat(dlq).containsEntry(BusConstants.DLQ_ORIGINAL_TOPIC, "rows")
                .containsEntry(BusConstants.DLQ_SOURCE, "file rows.csv record 2")
                .containsEntry(BusConstants.DLQ_EXCEPTION_CLASS, FileParseException.class.getName());
        assertThat(dlq.get(BusConstants.DLQ_EXCEPTION_MESSAGE)).contains("3 fields");
        assertThat(inbox.resolve(".done/rows.csv")).exists();
    }

    @Test
    void declaredCsvColumnTypesGiveNumbersAndBooleansAndRefuseWhatDoesNotParse() throws Exception {
        Path file = Files.writeString(inbox.resolve("typed.csv"), "id,amount,qty,paid,created_at,note\n"
                + "1,10.50,3,yes,2026-11-02T01:01:00Z,a\n"
                + "2,,,,,\n"
                + "3,abc,1,true,2026-11-02T01:01:00,b\n"
                + "4,1.5,2.5,no,2026-11-02T01:01:00,c\n"
                + "5,-0.01,12345678901234567890,F,2026-11-02T01:01:00.5,d\n");
        startSource("topic=typed&format=csv&onMalformed=dead-letter"
                + "&csvColumnTypes=amount:decimal,qty:int,paid:boolean,created_at:timestamp");
        awaitGone(file);

        assertThat(FileTestBus.values(bus, "typed")).containsExactly(
                "{\"id\":\"1\",\"amount\":10.50,\"qty\":3,\"paid\":true,\"created_at\":\"2026-11-02T01:01:00Z\",\"note\":\"a\"}",
                "{\"id\":\"2\",\"amount\":null,\"qty\":null,\"paid\":null,\"created_at\":null,\"note\":\"\"}",
                "{\"id\":\"5\",\"amount\":-0.01,\"qty\":12345678901234567890,\"paid\":false,\"created_at\":\"2026-11-02T01:01:00.5\",\"note\":\"d\"}");
        List<ConsumedRecord> dead = FileTestBus.readAll(bus, "typed.dlq");
        assertThat(dead).extracting(ConsumedRecord::valueAsString)
                .containsExactly("3,abc,1,true,2026-11-02T01:01:00,b", "4,1.5,2.5,no,2026-11-02T01:01:00,c");
        assertThat(reason(dead.get(0))).isEqualTo("typed.csv line 4, record 3: column 'amount': 'abc' is not a decimal"
                + " number (csvColumnTypes amount:decimal)");
        assertThat(reason(dead.get(1))).contains("line 5").contains("column 'qty'").contains("'2.5' is not an integer");
    }

    @Test
    void inferredCsvTypesGiveNumbersBooleansAndNullsAndLeaveTheRestText() throws Exception {
        Path file = Files.writeString(inbox.resolve("inferred.csv"), "id,zip,amount,flag,empty,text\n"
                + "1,007,10.50,TRUE,,hello\n"
                + "2,10,-3,false,,1e5\n");
        startSource("topic=inferred&format=csv&csvInferTypes=true&csvColumnTypes=text:string");
        awaitGone(file);

        assertThat(FileTestBus.values(bus, "inferred")).containsExactly(
                "{\"id\":1,\"zip\":\"007\",\"amount\":10.50,\"flag\":true,\"empty\":null,\"text\":\"hello\"}",
                "{\"id\":2,\"zip\":10,\"amount\":-3,\"flag\":false,\"empty\":null,\"text\":\"1e5\"}");
    }

    @Test
    void aDeclaredColumnMissingFromTheHeaderMovesTheFileToErrorWithTheFix() throws Exception {
        Path file = Files.writeString(inbox.resolve("nocol.csv"), "a,b\n1,2\n");
        startSource("topic=nocol&format=csv&csvColumnTypes=amount:decimal");
        awaitGone(file);
        assertThat(Files.readString(inbox.resolve(".error/nocol.csv.reason"))).contains("no column 'amount' (csvColumnTypes)");
    }

    private static String reason(ConsumedRecord r) {
        return r.headers().stream().filter(h -> h.key().equals(FileIngestion.REASON_HEADER))
                .map(io.busbar.bus.Header::valueAsString).findFirst().orElse(null);
    }

    @Test
    void malformedRowWithOnMalformedFailMovesTheFileToErrorWithAReason() throws Exception {
        Path file = Files.writeString(inbox.resolve("bad.csv"), "a,b\n1,2\n3\n");
        startSource("topic=bad&format=csv");
        awaitGone(file);

        assertThat(inbox.resolve(".error/bad.csv")).exists();
        assertThat(Files.readString(inbox.resolve(".error/bad.csv.reason")))
                .contains("bad.csv record 2").contains("onMalformed=dead-letter");
        assertThat(FileTestBus.values(bus, "bad")).containsExactly("{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void unterminatedQuoteMovesTheFileToErrorWithAReason() throws Exception {
        Path file = Files.writeString(inbox.resolve("broken.csv"), "a,b\n1,\"never closed\n2,3\n");
        startSource("topic=broken&format=csv&onMalformed=dead-letter");
        awaitGone(file);

        assertThat(Files.readString(inbox.resolve(".error/broken.csv.reason"))).contains("not valid CSV");
    }

    @Test
    void jsonLinesAreKeyedByAFieldAndInvalidLinesDeadLettered() throws Exception {
        Path file = Files.writeString(inbox.resolve("events.jsonl"),
                "{\"user\":\"ana\",\"n\":1}\n\nnot json\n{\"user\":\"bo\",\"n\":2}\n");
        startSource("topic=events&format=jsonl&keyField=user&onMalformed=dead-letter");
        awaitGone(file);

        assertThat(FileTestBus.readAll(bus, "events")).extracting(ConsumedRecord::keyAsString).containsExactly("ana", "bo");
        assertThat(FileTestBus.values(bus, "events.dlq")).containsExactly("not json");
    }

    @Test
    void includePatternAndDeleteDoneAreHonoured() throws Exception {
        Path csv = Files.writeString(inbox.resolve("take.txt"), "x\ny\n");
        Path skipped = Files.writeString(inbox.resolve("skip.tmp"), "z\n");
        startSource("topic=lines&format=lines&include=.*\\.txt&deleteDone=true");
        awaitGone(csv);

        assertThat(FileTestBus.values(bus, "lines")).containsExactly("x", "y");
        assertThat(inbox.resolve(".done")).doesNotExist();
        assertThat(skipped).exists();
    }

    @Test
    void aFileStillBeingWrittenIsReadOnlyOnceItStopsChanging() throws Exception {
        Path file = inbox.resolve("growing.txt");
        int lines = 60;
        startSource("topic=growing&format=lines&readLockCheckInterval=700");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                out.write("line " + i + "\n");
                out.flush();
                Thread.sleep(50);
            }
        }
        awaitGone(file);

        assertThat(FileTestBus.values(bus, "growing")).hasSize(lines).startsWith("line 0").endsWith("line " + (lines - 1));
    }

    @Test
    void withAMarkerFileAFileIsReadOnlyOnceItsMarkerExists() throws Exception {
        Path file = Files.writeString(inbox.resolve("batch.csv"), "a\n1\n2\n");
        startSource("topic=marked&format=csv&readLock=none&doneFileName=${file:name}.ready");

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(file) && FileTestBus.count(bus, "marked") == 0);
        Path marker = Files.createFile(inbox.resolve("batch.csv.ready"));
        awaitGone(file);

        assertThat(FileTestBus.values(bus, "marked")).containsExactly("{\"a\":\"1\"}", "{\"a\":\"2\"}");
        assertThat(marker).doesNotExist();
    }

    @Test
    void restartResumesAFileFromItsStoredPosition() throws Exception {
        // a previous run stored the position after line 2 of this very file (same size and mtime), then died
        Path file = Files.writeString(inbox.resolve("resume.txt"), "one\ntwo\nthree\nfour\n");
        var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        String position = "{\"files\":{\"resume.txt\":{\"size\":" + attributes.size() + ",\"mtime\":"
                + attributes.lastModifiedTime().toMillis() + ",\"position\":8,\"lines\":2,\"records\":2,\"complete\":false}}}";
        try (var store = new io.busbar.connectors.position.PositionStore(bus)) {
            store.save("resume-test", position);
        }
        startSource("topic=resumed&format=lines&connectorId=resume-test");
        awaitGone(file);

        assertThat(FileTestBus.values(bus, "resumed")).containsExactly("three", "four");
        try (var store = new io.busbar.connectors.position.PositionStore(bus)) {
            assertThat(store.load("resume-test")).hasValueSatisfying(json -> assertThat(json).contains("\"complete\":true"));
        }
    }

    @Test
    void recursiveSourceReadsSubFoldersAndMovesEachFileBesideItself() throws Exception {
        Path sub = Files.createDirectories(inbox.resolve("2026/11"));
        Path nested = Files.writeString(sub.resolve("day.txt"), "a\nb\n");
        Path top = Files.writeString(inbox.resolve("top.txt"), "c\n");
        startSource("topic=tree&format=lines&recursive=true");
        awaitGone(nested);
        awaitGone(top);

        assertThat(FileTestBus.values(bus, "tree")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(sub.resolve(".done/day.txt")).exists();
        assertThat(inbox.resolve(".done/top.txt")).exists();
        // the done folders are hidden: nothing is read twice
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> FileTestBus.count(bus, "tree") == 3);
    }
}
