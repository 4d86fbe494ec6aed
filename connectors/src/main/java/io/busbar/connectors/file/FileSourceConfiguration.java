package io.busbar.connectors.file;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The settings of a file source (one per {@code kamelet:file-source}); each is documented in
 * docs/connectors/file-source.md and in the kamelet. Not thread-safe while being configured; read-only after
 * {@link #validate()}.
 */
public class FileSourceConfiguration {

    /** What to do with a record that cannot be parsed. */
    public enum OnMalformed { FAIL, DEAD_LETTER }

    private String topic;
    private RecordFormat format = RecordFormat.LINES;
    private String charset = "UTF-8";
    private String delimiter = ",";
    private String quote = "\"";
    private boolean header = true;
    private String keyField;
    private OnMalformed onMalformed = OnMalformed.FAIL;
    private String deadLetterTopic;
    private int batchRecords = 5000;
    private int maxRecordBytes = 1024 * 1024;
    private String connectorId;
    private String csvColumnTypes;
    private boolean csvInferTypes;

    /** Checks every setting; the error names the setting and the fix. */
    public void validate() {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic is required: name the topic the file's records go to, e.g. topic=orders");
        }
        if (batchRecords < 1) {
            throw new IllegalArgumentException("batchRecords = " + batchRecords + " is invalid: use at least 1");
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("maxRecordBytes = " + maxRecordBytes + " is invalid: use at least 1");
        }
        Charset cs = charset();
        if (format == RecordFormat.LINES || format == RecordFormat.JSONL) {
            LineRecordReader.requireLineCharset(cs);
        }
        if (format == RecordFormat.CSV) {
            csvDelimiter();
            csvQuote();
            csvTypes();
        }
    }

    /** A reader of {@code file} starting at {@code position} (a byte offset where a record starts). */
    FileRecordReader openReader(Path file, FilePosition position, ObjectMapper mapper) throws IOException {
        long start = position == null ? 0 : position.position();
        long lines = position == null ? 0 : position.lines();
        long records = position == null ? 0 : position.records();
        return switch (format) {
            case WHOLE -> new WholeFileRecordReader(file, maxRecordBytes, start);
            case LINES -> new LineRecordReader(file, charset(), false, null, maxRecordBytes, mapper, start, lines, records);
            case JSONL -> new LineRecordReader(file, charset(), true, keyField, maxRecordBytes, mapper, start, lines, records);
            case CSV -> new CsvRecordReader(file, csvDelimiter(), csvQuote(), charset(), header, keyField, mapper, start,
                    position != null && position.unit() == null, records, lines, csvTypes(), maxRecordBytes);
        };
    }

    Charset charset() {
        try {
            return Charset.forName(charset);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("charset = '" + charset + "' is not a charset this JVM knows: use e.g. UTF-8 or ISO-8859-1");
        }
    }

    char csvDelimiter() {
        char d = csvChar("delimiter", unescape(delimiter));
        if (d == csvQuote()) {
            throw new IllegalArgumentException("delimiter and quote are both '" + d + "': use different characters");
        }
        return d;
    }

    char csvQuote() {
        return csvChar("quote", quote);
    }

    /** One ASCII character other than a line break: the CSV reader finds them byte by byte in UTF-8 text. */
    private static char csvChar(String name, String value) {
        char c = singleChar(name, value);
        if (c >= 0x80 || c == '\r' || c == '\n') {
            throw new IllegalArgumentException(name + " = '" + value + "' is invalid: use an ASCII character other than a"
                    + " line break (e.g. , ; | or \\t for a tab)");
        }
        return c;
    }

    /** {@code \t} in a YAML/URI setting means a tab. */
    private static String unescape(String s) {
        return "\\t".equals(s) ? "\t" : s;
    }

    private static char singleChar(String name, String value) {
        if (value == null || value.length() != 1) {
            throw new IllegalArgumentException(name + " = '" + value + "' is invalid: use exactly one character (\\t for a tab)");
        }
        return value.charAt(0);
    }

    /** The CSV field typing, or null when every field stays a string. */
    CsvColumnTypes csvTypes() {
        return CsvColumnTypes.parse(csvColumnTypes, csvInferTypes);
    }

    String effectiveDeadLetterTopic() {
        return deadLetterTopic == null || deadLetterTopic.isBlank() ? topic + ".dlq" : deadLetterTopic;
    }

    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public RecordFormat getFormat() { return format; }
    public void setFormat(String format) { this.format = RecordFormat.parse("format", format); }
    public String getCharset() { return charset; }
    public void setCharset(String charset) { this.charset = charset; }
    public String getDelimiter() { return delimiter; }
    public void setDelimiter(String delimiter) { this.delimiter = delimiter; }
    public String getQuote() { return quote; }
    public void setQuote(String quote) { this.quote = quote; }
    public boolean isHeader() { return header; }
    public void setHeader(boolean header) { this.header = header; }
    public String getKeyField() { return keyField; }
    public void setKeyField(String keyField) { this.keyField = keyField == null || keyField.isBlank() ? null : keyField; }
    public OnMalformed getOnMalformed() { return onMalformed; }
    public void setOnMalformed(String value) {
        try {
            this.onMalformed = OnMalformed.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("onMalformed = '" + value + "' is invalid: use fail or dead-letter");
        }
    }
    public String getDeadLetterTopic() { return deadLetterTopic; }
    public void setDeadLetterTopic(String deadLetterTopic) { this.deadLetterTopic = deadLetterTopic; }
    public int getBatchRecords() { return batchRecords; }
    public void setBatchRecords(int batchRecords) { this.batchRecords = batchRecords; }
    public int getMaxRecordBytes() { return maxRecordBytes; }
    public void setMaxRecordBytes(int maxRecordBytes) { this.maxRecordBytes = maxRecordBytes; }
    public String getConnectorId() { return connectorId; }
    public String getCsvColumnTypes() { return csvColumnTypes; }
    public void setCsvColumnTypes(String v) { this.csvColumnTypes = v == null || v.isBlank() ? null : v; }
    public boolean isCsvInferTypes() { return csvInferTypes; }
    public void setCsvInferTypes(boolean v) { this.csvInferTypes = v; }
    public void setConnectorId(String connectorId) { this.connectorId = connectorId == null || connectorId.isBlank() ? null : connectorId; }
}
