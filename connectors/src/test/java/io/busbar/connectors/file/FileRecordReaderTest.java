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
    void csvInAnotherCharsetIsDecoded() throws IOException {
        Path file = dir.resolve("latin.csv");
        Files.write(file, "name\nJosé\nZoë\n".getBytes(StandardCharsets.ISO_8859_1));
        FileSourceConfiguration c = config("csv");
        c.setCharset("ISO-8859-1");
        assertThat(values(readAll(c, file, null))).containsExactly("{\"name\":\"José\"}", "{\"name\":\"Zoë\"}");
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
        FileSourceConfiguration e = new FileSourceConfiguration();
        assertThatThrownBy(e::validate).hasMessageContaining("topic is required");
    }
}
