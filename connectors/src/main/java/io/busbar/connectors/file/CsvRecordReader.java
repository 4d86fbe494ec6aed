package io.busbar.connectors.file;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link RecordFormat#CSV} files with commons-csv (RFC 4180: quoted fields may hold delimiters, quotes and
 * line breaks), streaming: one record is parsed ahead, never the whole file. With a header row each record
 * becomes a JSON object {@code {"column": "value", ...}} in column order, else a JSON array of the fields.
 *
 * <p>Positions are character offsets (commons-csv's cheap character count): a resume decodes and skips the
 * characters before the first record not yet stored, without parsing them; the header row is read again. A row whose field count differs from
 * the header's is a malformed record (dead-letter or stop, as configured); text commons-csv cannot parse (an
 * unterminated quote) stops the file with {@link FileParseException}. Not thread-safe.
 */
final class CsvRecordReader implements FileRecordReader {

    private final Path file;
    private final ObjectMapper mapper;
    private final String keyField;
    private final List<String> header;
    private final int keyIndex;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final long base;
    private final CountingReader reader;
    private CSVRecord ahead;
    /** The line on which {@link #ahead} starts. */
    private long aheadLine;
    private final long linesBefore;
    private long recordNumber;
    /** Field typing (csvColumnTypes, csvInferTypes), or null: every field a string. */
    private final CsvColumnTypes types;
    /** With a header, the declared type of each column (null where none). */
    private final CsvColumnTypes.Type[] headerTypes;
    /**
     * With a header, the JSON object's field names in order and, per name, the column whose value it takes: a name
     * that repeats in the header appears once, where it first appears, with the value of its last column.
     */
    private final SerializedString[] fieldNames;
    private final int[] fieldIndexes;
    /** One generator for the whole file, writing each record into {@link #json} (reset per record). */
    private final ByteArrayBuilder json = new ByteArrayBuilder(512);
    private final JsonGenerator generator;

    /**
     * @param startPosition character offset (not byte: commons-csv counts characters, and tracking bytes would
     *                      make parsing three times slower) where a record starts, or 0
     */
    CsvRecordReader(Path file, CSVFormat format, Charset charset, boolean hasHeader, String keyField, ObjectMapper mapper,
                    long startPosition, long recordsBefore) throws IOException {
        this(file, format, charset, hasHeader, keyField, mapper, startPosition, recordsBefore, 0, null);
    }

    /**
     * @param linesBefore the line of the last record already read (0 at the start of the file): line numbers in
     *                    messages count on from it (exact unless that record spanned several lines)
     */
    CsvRecordReader(Path file, CSVFormat format, Charset charset, boolean hasHeader, String keyField, ObjectMapper mapper,
                    long startPosition, long recordsBefore, long linesBefore, CsvColumnTypes types) throws IOException {
        this.file = file;
        this.linesBefore = startPosition > 0 ? linesBefore : 0;
        this.types = types;
        this.mapper = mapper;
        this.keyField = keyField;
        this.recordNumber = recordsBefore;
        this.reader = new CountingReader(new InputStreamReader(java.nio.file.Files.newInputStream(file), charset));
        long bom = skipByteOrderMark(reader);
        CSVFormat effective = format;
        long start = Math.max(startPosition, bom);
        if (hasHeader) {
            this.header = readHeader(file, format, charset);
            effective = format.builder().setHeader(header.toArray(String[]::new)).setSkipHeaderRecord(start == bom).get();
        } else {
            this.header = null;
        }
        this.keyIndex = keyIndex();
        this.headerTypes = types != null && header != null ? types.resolve(file, header, header.size()) : null;
        Map<String, Integer> lastIndexOfName = new LinkedHashMap<>();
        for (int i = 0; header != null && i < header.size(); i++) {
            lastIndexOfName.put(header.get(i), i);
        }
        this.fieldNames = lastIndexOfName.keySet().stream().map(SerializedString::new).toArray(SerializedString[]::new);
        this.fieldIndexes = lastIndexOfName.values().stream().mapToInt(Integer::intValue).toArray();
        this.generator = mapper.createGenerator(json, JsonEncoding.UTF8);
        generator.setRootValueSeparator(null); // records are separate values, not a stream of them
        skipFully(reader, start - bom);
        this.base = start;
        this.parser = CSVParser.builder().setReader(reader).setFormat(effective).setCharacterOffset(start).get();
        this.records = parser.iterator();
        this.ahead = fetch();
    }

    private int keyIndex() {
        if (keyField == null) {
            return -1;
        }
        if (header != null) {
            int i = header.indexOf(keyField);
            if (i < 0) {
                throw new FileParseException(file.getFileName() + " has no column '" + keyField + "' (keyField): its"
                        + " header is " + header + "; fix keyField or the file");
            }
            return i;
        }
        try {
            return Integer.parseInt(keyField);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("keyField = '" + keyField + "' is invalid without a header row: use a"
                    + " 0-based column number, or set header=true");
        }
    }

    @Override
    public ParsedRecord next() {
        CSVRecord current = ahead;
        if (current == null) {
            return null;
        }
        long line = aheadLine;
        ahead = fetch();
        long next = ahead == null ? reader.count() : ahead.getCharacterPosition();
        recordNumber++;
        if (header != null && current.size() != header.size()) {
            return new ParsedRecord(recordNumber, line, null, null, next, file.getFileName() + " record " + recordNumber
                    + ": has " + current.size() + " fields, the header has " + header.size(), String.join(",", current.values()));
        }
        try {
            byte[] key = keyIndex >= 0 && keyIndex < current.size() ? current.get(keyIndex).getBytes(StandardCharsets.UTF_8) : null;
            return new ParsedRecord(recordNumber, line, key, toJson(current), next, null, null);
        } catch (CsvColumnTypes.InvalidValueException e) {
            return new ParsedRecord(recordNumber, line, null, null, next, file.getFileName() + " line " + line
                    + ", record " + recordNumber + ": " + e.getMessage(), String.join(",", current.values()));
        } catch (IOException e) {
            throw new FileParseException(file.getFileName() + " record " + recordNumber + " cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private byte[] toJson(CSVRecord record) throws IOException, CsvColumnTypes.InvalidValueException {
        JsonNode[] typedValues = types == null ? null : typedValues(record);
        json.reset();
        if (header != null) {
            generator.writeStartObject();
            for (int slot = 0; slot < fieldNames.length; slot++) {
                generator.writeFieldName(fieldNames[slot]);
                writeField(record, fieldIndexes[slot], typedValues);
            }
            generator.writeEndObject();
        } else {
            generator.writeStartArray();
            for (int i = 0; i < record.size(); i++) {
                writeField(record, i, typedValues);
            }
            generator.writeEndArray();
        }
        generator.flush();
        return json.toByteArray();
    }

    private void writeField(CSVRecord record, int index, JsonNode[] typedValues) throws IOException {
        if (typedValues == null) {
            generator.writeString(record.get(index));
        } else {
            mapper.writeTree(generator, typedValues[index]);
        }
    }

    /** Every field's typed value, converted before any JSON is written, so a refused field leaves no half record. */
    private JsonNode[] typedValues(CSVRecord record) throws CsvColumnTypes.InvalidValueException {
        CsvColumnTypes.Type[] rowTypes = header != null ? headerTypes : types.resolve(file, null, record.size());
        JsonNode[] values = new JsonNode[record.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = typed(rowTypes[i], record.get(i), header != null ? header.get(i) : Integer.toString(i));
        }
        return values;
    }

    private JsonNode typed(CsvColumnTypes.Type type, String text, String column)
            throws CsvColumnTypes.InvalidValueException {
        try {
            return types.value(type, text);
        } catch (CsvColumnTypes.InvalidValueException e) {
            throw new CsvColumnTypes.InvalidValueException("column '" + column + "': " + e.getMessage()
                    + " (csvColumnTypes " + column + ":" + type.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
    }

    private CSVRecord fetch() {
        try {
            // the parser has consumed the line breaks up to the end of the previous record (and the header row)
            aheadLine = linesBefore + parser.getCurrentLineNumber() + 1;
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new FileParseException(file.getFileName() + " is not valid CSV after record " + recordNumber + ": "
                    + rootMessage(e) + ". Check quoting (quote character, escaped quotes) and the delimiter", e);
        }
    }

    private static List<String> readHeader(Path file, CSVFormat format, Charset charset) throws IOException {
        try (Reader reader = new BufferedReader(new InputStreamReader(java.nio.file.Files.newInputStream(file), charset))) {
            skipByteOrderMark(reader);
            CSVParser headerParser = CSVParser.builder().setReader(reader)
                    .setFormat(format.builder().setHeader().setSkipHeaderRecord(true).get()).get();
            List<String> names = headerParser.getHeaderNames();
            if (names.isEmpty()) {
                throw new FileParseException(file.getFileName() + " has no header row: add one, or set header=false");
            }
            return names;
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new FileParseException(file.getFileName() + " has an invalid header row: " + rootMessage(e), e);
        }
    }

    /** Skips a byte-order mark (U+FEFF) at the start; returns the characters skipped (0 or 1). */
    private static long skipByteOrderMark(Reader reader) throws IOException {
        reader.mark(1);
        int first = reader.read();
        if (first == '\uFEFF') {
            return 1;
        }
        reader.reset();
        return 0;
    }

    /**
     * Counts the characters read, so the position after the last record (end of file) is known in the same
     * unit as commons-csv's record positions. Buffers itself; supports mark/reset for the byte-order mark check.
     */
    private static final class CountingReader extends java.io.FilterReader {
        private long count;
        private long markedCount;

        CountingReader(Reader in) {
            super(new BufferedReader(in, 128 * 1024));
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                count++;
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public void mark(int readAheadLimit) throws IOException {
            super.mark(readAheadLimit);
            markedCount = count;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            count = markedCount;
        }

        long count() {
            return count;
        }
    }

    private static void skipFully(Reader reader, long chars) throws IOException {
        long left = chars;
        while (left > 0) {
            long n = reader.skip(left);
            if (n <= 0) {
                throw new FileParseException("File ended before the stored position: it changed since it was read");
            }
            left -= n;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public void close() throws IOException {
        generator.close();
        parser.close();
    }
}
