package io.busbar.connectors.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Readers resume at a stored position exactly where the previous run stopped, in every format. */
class FileRecordReaderTest {

    @TempDir
    Path dir;

    private final ObjectMapper mapper = FileJson.newMapper();

    private static List<String> values(List<ParsedRecord> records) {
        return records.stream().map(r -> r.value() == null ? "MALFORMED" : new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private List<ParsedRecord> readAll(FileSourceConfiguration config, Path file, FilePosition from) throws IOException {
        List<ParsedRecord> records = new ArrayList<>();
        try (FileRecordReader reader = config.openReader(file, from, mapper)) {
            ParsedRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    /** For every record k, resuming after it yields exactly the records after it. */
    private void assertResumesAfterEveryRecord(FileSourceConfiguration config, Path file) throws IOException {
        List<ParsedRecord> all = readAll(config, file, null);
        assertThat(all).hasSizeGreaterThan(2);
        for (int k = 0; k < all.size(); k++) {
            ParsedRecord last = all.get(k);
            FilePosition position = new FilePosition(0, 0, last.nextPosition(), last.line(), last.number(), false);
            List<ParsedRecord> rest = readAll(config, file, position);
            assertThat(values(rest)).as("resume after record %d", k + 1).isEqualTo(values(all.subList(k + 1, all.size())));
            if (!rest.isEmpty()) {
                assertThat(rest.get(0).number()).isEqualTo(k + 2);
            }
        }
    }

    private static FileSourceConfiguration config(String format) {
        FileSourceConfiguration c = new FileSourceConfiguration();
        c.setTopic("t");
        c.setFormat(format);
        c.validate();
        return c;
    }

    @Test
    void csvResumesAfterQuotedMultiLineAndNonAsciiRecords() throws IOException {
        Path file = Files.writeString(dir.resolve("a.csv"), "\uFEFFid,text\n1,\"김치 😀\nsecond line\"\n2,\"a,b\"\"c\"\n3,\n4,끝\n",
                StandardCharsets.UTF_8);
        FileSourceConfiguration c = config("csv");
        assertThat(values(readAll(c, file, null))).containsExactly("{\"id\":\"1\",\"text\":\"김치 😀\\nsecond line\"}",
                "{\"id\":\"2\",\"text\":\"a,b\\\"c\"}", "{\"id\":\"3\",\"text\":\"\"}", "{\"id\":\"4\",\"text\":\"끝\"}");
        assertResumesAfterEveryRecord(c, file);
    }

    /** The streamed JSON is byte for byte what serializing a Jackson tree of the row gives (the earlier way). */
    @Test
    void csvJsonIsWhatAJacksonTreeOfTheRowWrites() throws IOException {
        String text = "id,note,amount,note,paid,when\n"
                + "1,\"tab\there \"\"q\"\" \\ back\",12.50,\"second 😀 김치\",true,2026-11-02T01:01:00Z\n"
                + "2,\u0001ctl\u001f </script> \u2028,,last,false,\n"
                + "3,,-0.000000000000000000000000001,,yes,2026-11-02\n";
        Path file = Files.writeString(dir.resolve("tree.csv"), text, StandardCharsets.UTF_8);
        for (boolean infer : new boolean[] {false, true}) {
            FileSourceConfiguration c = config("csv");
            c.setCsvInferTypes(infer);
            List<String> expected = new ArrayList<>();
            for (String[] row : new String[][] {
                    {"1", "tab\there \"q\" \\ back", "12.50", "second 😀 김치", "true", "2026-11-02T01:01:00Z"},
                    {"2", "\u0001ctl\u001f </script> \u2028", "", "last", "false", ""},
                    {"3", "", "-0.000000000000000000000000001", "", "yes", "2026-11-02"}}) {
                com.fasterxml.jackson.databind.node.ObjectNode node = mapper.createObjectNode();
                String[] names = {"id", "note", "amount", "note", "paid", "when"};
                CsvColumnTypes types = CsvColumnTypes.parse(null, infer);
                for (int i = 0; i < names.length; i++) {
                    try {
                        node.set(names[i], types == null ? node.textNode(row[i]) : types.value(null, row[i]));
                    } catch (CsvColumnTypes.InvalidValueException e) {
                        throw new AssertionError(e);
                    }
                }
                expected.add(mapper.writeValueAsString(node));
            }
            assertThat(values(readAll(c, file, null))).as("csvInferTypes=%s", infer).isEqualTo(expected);
        }
        FileSourceConfiguration arrays = config("csv");
        arrays.setHeader(false);
        List<String> rows = values(readAll(arrays, file, null));
        assertThat(rows.get(0)).isEqualTo("[\"id\",\"note\",\"amount\",\"note\",\"paid\",\"when\"]");
        assertThat(rows.get(3)).isEqualTo("[\"3\",\"\",\"-0.000000000000000000000000001\",\"\",\"yes\",\"2026-11-02\"]");
    }

    @Test
    void csvWithSemicolonsSingleQuotesAndNoHeaderGivesArrays() throws IOException {
        Path file = Files.writeString(dir.resolve("b.csv"), "1;'x;y'\n2;'it''s'\n3;z\n", StandardCharsets.UTF_8);
        FileSourceConfiguration c = config("csv");
        c.setDelimiter(";");
        c.setQuote("'");
        c.setHeader(false);
        assertThat(values(readAll(c, file, null))).containsExactly("[\"1\",\"x;y\"]", "[\"2\",\"it's\"]", "[\"3\",\"z\"]");
        assertResumesAfterEveryRecord(c, file);
    }

    @Test
    void csvInAnotherCharsetIsDecodedAndResumes() throws IOException {
        Path file = dir.resolve("latin.csv");
        Files.write(file, "name\nJosé\nZoë\nÅsa\n".getBytes(StandardCharsets.ISO_8859_1));
        FileSourceConfiguration c = config("csv");
        c.setCharset("ISO-8859-1");
        assertThat(values(readAll(c, file, null))).containsExactly("{\"name\":\"José\"}", "{\"name\":\"Zoë\"}",
                "{\"name\":\"Åsa\"}");
        assertResumesAfterEveryRecord(c, file);
    }

    @Test
    void csvInACharsetThatIsNotAsciiCompatibleIsReadAndResumes() throws IOException {
        Path file = dir.resolve("utf16.csv");
        Files.write(file, "\uFEFFname\tcity\nJosé\t서울\n\"Zoë\"\t\"a\tb\"\n끝\t😀\n".getBytes(StandardCharsets.UTF_16LE));
        FileSourceConfiguration c = config("csv");
        c.setCharset("UTF-16LE");
        c.setDelimiter("\\t");
        assertThat(values(readAll(c, file, null))).containsExactly("{\"name\":\"José\",\"city\":\"서울\"}",
                "{\"name\":\"Zoë\",\"city\":\"a\\tb\"}", "{\"name\":\"끝\",\"city\":\"😀\"}");
        assertResumesAfterEveryRecord(c, file);
    }

    @Test
    void csvPositionsStoredAsCharacterOffsetsByEarlierVersionsResumeAtTheSameRecord() throws IOException {
        String text = "\uFEFFid,text\n1,\"김치 😀\nsecond line\"\n2,\"a,b\"\"c\"\n3,é\n4,끝\n";
        Path file = Files.writeString(dir.resolve("old.csv"), text, StandardCharsets.UTF_8);
        FileSourceConfiguration c = config("csv");
        List<String> all = values(readAll(c, file, null));
        // where each record after the first starts, counted in characters as commons-csv counted them (BOM included)
        String[] starts = {"2,\"a,b", "3,é", "4,끝"};
        for (int k = 0; k < starts.length; k++) {
            FilePosition legacy = new FilePosition(0, 0, text.indexOf(starts[k]), k + 2, k + 1, false, null);
            assertThat(values(readAll(c, file, legacy))).as("resume before record %d", k + 2)
                    .isEqualTo(all.subList(k + 1, all.size()));
        }
    }

    @Test
    void csvWithMalformedUtf8GivesValidJsonWithReplacementCharacters() throws IOException {
        Path file = dir.resolve("bad.csv");
        byte[] bad = {'k', ',', 'v', '\n', '1', ',', 'a', (byte) 0xC3, '\n', '2', ',', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'};
        Files.write(file, bad);
        FileSourceConfiguration c = config("csv");
        c.setKeyField("v");
        List<ParsedRecord> records = readAll(c, file, null);
        // as the JDK's decoder replaces them (one U+FFFD per malformed sequence, its choice of where they end)
        String surrogate = new String(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, StandardCharsets.UTF_8);
        assertThat(values(records)).containsExactly("{\"k\":\"1\",\"v\":\"a\uFFFD\"}", "{\"k\":\"2\",\"v\":\"" + surrogate + "\"}");
        for (ParsedRecord r : records) {
            mapper.readTree(r.value()); // valid JSON
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).contains("\uFFFD");
        }
    }

    @Test
    void aCsvRecordLongerThanTheLimitStopsTheFileWithTheFix() throws IOException {
        Path file = Files.writeString(dir.resolve("long.csv"), "a,b\n1,2\n3,\"" + "x".repeat(100) + "\n4,5\n");
        FileSourceConfiguration c = config("csv");
        c.setMaxRecordBytes(50);
        assertThatThrownBy(() -> readAll(c, file, null)).isInstanceOf(FileParseException.class)
                .hasMessageContaining("long.csv is not valid CSV after record 1").hasMessageContaining("line 3")
                .hasMessageContaining("maxRecordBytes");
    }

    @Test
    void isWellFormedUtf8RefusesWhatADecoderWouldReplace() {
        assertThat(CsvRecordReader.isWellFormedUtf8("aé김😀".getBytes(StandardCharsets.UTF_8), 0, 10)).isTrue();
        byte[][] malformed = {
            {(byte) 0xC3}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0x80}, {'a', (byte) 0xE4, (byte) 0xB8}, {(byte) 0xF8, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        };
        for (byte[] b : malformed) {
            assertThat(CsvRecordReader.isWellFormedUtf8(b, 0, b.length)).as(java.util.Arrays.toString(b)).isFalse();
            assertThat(new String(b, StandardCharsets.UTF_8)).contains("\uFFFD");
        }
    }

    @Test
    void linesResumeAtByteOffsetsWithCrLfAndBlankLines() throws IOException {
        Path file = Files.writeString(dir.resolve("c.txt"), "alpha\r\n\r\nbeta 😀\n  \ngamma", StandardCharsets.UTF_8);
        FileSourceConfiguration c = config("lines");
        List<ParsedRecord> all = readAll(c, file, null);
        assertThat(values(all)).containsExactly("alpha", "beta 😀", "gamma");
        assertThat(all).extracting(ParsedRecord::line).containsExactly(1L, 3L, 5L);
        assertResumesAfterEveryRecord(c, file);
    }

    @Test
    void jsonLinesResume() throws IOException {
        Path file = Files.writeString(dir.resolve("d.jsonl"), "{\"a\":1}\n{\"a\":2}\n[3]\n", StandardCharsets.UTF_8);
        assertResumesAfterEveryRecord(config("jsonl"), file);
    }

    @Test
    void aLineLongerThanTheLimitStopsTheFileWithTheFix() throws IOException {
        Path file = Files.writeString(dir.resolve("e.txt"), "short\n" + "x".repeat(100) + "\n");
        FileSourceConfiguration c = config("lines");
        c.setMaxRecordBytes(50);
        assertThatThrownBy(() -> readAll(c, file, null)).isInstanceOf(FileParseException.class)
                .hasMessageContaining("e.txt line 2").hasMessageContaining("maxRecordBytes");
    }

    @Test
    void invalidSettingsNameTheSettingAndTheFix() {
        assertThatThrownBy(() -> config("xml")).hasMessageContaining("format = 'xml'").hasMessageContaining("csv");
        FileSourceConfiguration c = config("lines");
        c.setCharset("UTF-16");
        assertThatThrownBy(c::validate).hasMessageContaining("UTF-16").hasMessageContaining("ASCII-compatible");
        FileSourceConfiguration d = config("csv");
        d.setDelimiter(";;");
        assertThatThrownBy(d::validate).hasMessageContaining("delimiter = ';;'");
        d.setDelimiter("§");
        assertThatThrownBy(d::validate).hasMessageContaining("delimiter = '§'").hasMessageContaining("ASCII");
        FileSourceConfiguration e = new FileSourceConfiguration();
        assertThatThrownBy(e::validate).hasMessageContaining("topic is required");
    }
}
