package io.busbar.connectors.file;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The byte tokenizer cuts CSV exactly as commons-csv's RFC 4180 format (empty lines ignored) does, whatever the read
 * buffer's size: fields cut across refills, CR LF split between two reads, quotes doubled across a refill.
 */
class CsvTokenizerTest {

    private static final CSVFormat REFERENCE = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    /** Records as commons-csv reads them, or the error's class name. */
    private static Object reference(String text, char delimiter, char quote) {
        CSVFormat format = REFERENCE.builder().setDelimiter(delimiter).setQuote(quote).get();
        List<List<String>> records = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text)).setFormat(format).get()) {
            for (CSVRecord r : parser) {
                records.add(r.toList());
            }
            return records;
        } catch (IOException | RuntimeException e) {
            return "error";
        }
    }

    /** Records as the tokenizer reads them, or "error". */
    private static Object tokenized(String text, char delimiter, char quote, int bufferSize) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        CsvTokenizer t = new CsvTokenizer(new ByteArrayInputStream(bytes), delimiter, quote, 0, 1 << 20, bufferSize);
        List<List<String>> records = new ArrayList<>();
        try {
            while (t.next()) {
                List<String> fields = new ArrayList<>();
                for (int i = 0; i < t.fieldCount(); i++) {
                    fields.add(new String(t.data(), t.fieldStart(i), t.fieldEnd(i) - t.fieldStart(i), StandardCharsets.UTF_8));
                }
                records.add(fields);
            }
            assertThat(t.offset()).as("offset at the end").isEqualTo(bytes.length);
            return records;
        } catch (CsvTokenizer.SyntaxException e) {
            return "error";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertSameAsCommonsCsv(String text, char delimiter, char quote) {
        Object expected = reference(text, delimiter, quote);
        for (int size : new int[] {1, 2, 3, 5, 64 * 1024}) {
            assertThat(tokenized(text, delimiter, quote, size)).as("buffer %d, text [%s]", size, text.replace("\r", "\\r")
                    .replace("\n", "\\n")).isEqualTo(expected);
        }
    }

    @Test
    void readsWhatCommonsCsvReadsOnHandPickedCases() {
        String[] cases = {
            "", "\n", "\r\n\r\n", "a", "a\n", "a,b\r\nc,d\r\n", "a,b\rc,d", "a,\n", "a,", ",", ",,\n,",
            "\"x\"", "\"x,y\",z", "\"a\"\"b\"", "\"\"", "\"\"\"\"", "\"line\nbreak\",2\n3,4", "\"cr\rlf\r\n\",x",
            "a\"b,c", " \"q\" ,x", "\"q\"  ,x", "\"q\"\t\n", "\"q\"x,y", "\"open", "\"open\n\nstill", "김치,😀\n끝,\"é\"",
            "\n\na,b\n\n\nc,d\n\n", "a,b\n\r\nc", "\"a\"\"\"", "\"a\"\" b\"\"\",c",
        };
        for (String text : cases) {
            assertSameAsCommonsCsv(text, ',', '"');
        }
        assertSameAsCommonsCsv("1;'x;y'\n2;'it''s'\n3;z\n", ';', '\'');
        assertSameAsCommonsCsv("a\tb\t\"c\td\"\n\t\n", '\t', '"');
    }

    @Test
    void readsWhatCommonsCsvReadsOnRandomText() {
        String[] pieces = {"a", "bc", "é", "김", "😀", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\t", "x\"y"};
        Random random = new Random(42);
        for (int n = 0; n < 3000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(25);
            for (int i = 0; i < length; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            assertSameAsCommonsCsv(text.toString(), ',', '"');
        }
    }

    @Test
    void linesAndPositionsOfRecords() throws IOException {
        String text = "h1,h2\r\n\r\n1,\"two\r\nlines\"\n\n2,x\r3,y";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int size : new int[] {1, 4, 1024}) {
            CsvTokenizer t = new CsvTokenizer(new ByteArrayInputStream(bytes), ',', '"', 100, 1024, size);
            List<String> seen = new ArrayList<>();
            while (t.next()) {
                seen.add(t.recordLine() + "@" + (t.recordStart() - 100) + "-" + (t.offset() - 100));
            }
            assertThat(seen).as("buffer %d", size).containsExactly("1@0-7", "3@9-24", "6@25-29", "7@29-32");
        }
    }

    @Test
    void anUnterminatedQuoteOrAnOverlongRecordIsASyntaxErrorNamingTheLine() {
        CsvTokenizer open = new CsvTokenizer(new ByteArrayInputStream("a\n\"b\nc".getBytes(StandardCharsets.UTF_8)),
                ',', '"', 0, 1024, 8);
        assertThatThrownBy(() -> {
            while (open.next()) {
                // read on to the error
            }
        }).isInstanceOf(CsvTokenizer.SyntaxException.class).hasMessageContaining("line 2").hasMessageContaining("closing quote");

        CsvTokenizer longRecord = new CsvTokenizer(new ByteArrayInputStream(("ok\n\"" + "x".repeat(100)).getBytes(
                StandardCharsets.UTF_8)), ',', '"', 0, 50, 16);
        assertThatThrownBy(() -> {
            while (longRecord.next()) {
                // read on to the error
            }
        }).isInstanceOf(CsvTokenizer.SyntaxException.class).hasMessageContaining("line 2").hasMessageContaining("maxRecordBytes (50");

        CsvTokenizer afterQuote = new CsvTokenizer(new ByteArrayInputStream("\"a\"b".getBytes(StandardCharsets.UTF_8)),
                ',', '"', 0, 1024, 8);
        assertThatThrownBy(afterQuote::next).isInstanceOf(CsvTokenizer.SyntaxException.class)
                .hasMessageContaining("'b' after the closing quote");
    }

    @Test
    void delimiterAndQuoteMustBeAscii() {
        assertThatThrownBy(() -> new CsvTokenizer(new ByteArrayInputStream(new byte[0]), '§', '"', 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ASCII");
    }
}
