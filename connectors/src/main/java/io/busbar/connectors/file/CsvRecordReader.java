package io.busbar.connectors.file;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.io.input.ReaderInputStream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link RecordFormat#CSV} files (RFC 4180: quoted fields may hold delimiters, quotes and line breaks),
 * streaming with {@link CsvTokenizer}: one record at a time, never the whole file. With a header row each record
 * becomes a JSON object {@code {"column": "value", ...}} in column order, else a JSON array of the fields.
 *
 * <p>The tokenizer works on UTF-8 bytes: a UTF-8 file is read as it is, a file in another charset is decoded and
 * re-encoded to UTF-8 on the way in. Positions are byte offsets in that UTF-8 text (the file's own bytes for UTF-8,
 * so a resume seeks straight to them); the header row is read again on resume. Positions stored by earlier versions
 * counted characters ({@link FilePosition#unit()} absent) and are converted once, on open. A row whose field count
 * differs from the header's is a malformed record (dead-letter or stop, as configured); text that cannot be cut
 * into records (an unterminated quote, a record over {@code maxRecordBytes}) stops the file with
 * {@link FileParseException}. Not thread-safe.
 */
final class CsvRecordReader implements FileRecordReader {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Path file;
    private final ObjectMapper mapper;
    private final String keyField;
    private final List<String> header;
    private final int keyIndex;
    private final InputStream input;
    private final CsvTokenizer tokenizer;
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
     * @param startPosition where a record starts: a byte offset in the file's UTF-8 text (see the class comment), or 0
     * @param legacyCharOffset {@code startPosition} counts characters (a position stored by an earlier version)
     * @param linesBefore   the line of the last record already read (0 at the start of the file): line numbers in
     *                      messages count on from it (exact unless that record spanned several lines)
     */
    CsvRecordReader(Path file, char delimiter, char quote, Charset charset, boolean hasHeader, String keyField,
                    ObjectMapper mapper, long startPosition, boolean legacyCharOffset, long recordsBefore,
                    long linesBefore, CsvColumnTypes types, int maxRecordBytes) throws IOException {
        this.file = file;
        this.linesBefore = startPosition > 0 ? linesBefore : 0;
        this.types = types;
        this.mapper = mapper;
        this.keyField = keyField;
        this.recordNumber = recordsBefore;
        long start = legacyCharOffset && startPosition > 0 ? utf8Length(file, charset, startPosition) : startPosition;
        this.input = open(file, charset, start);
        long base = start == 0 ? skipByteOrderMark((PushbackInputStream) input) : start;
        this.tokenizer = new CsvTokenizer(input, delimiter, quote, base, maxRecordBytes);
        try {
            if (hasHeader) {
                this.header = start > 0 ? readHeader(file, charset, delimiter, quote, maxRecordBytes)
                        : headerFrom(tokenizer, file);
            } else {
                this.header = null;
            }
        } catch (IOException | RuntimeException e) {
            input.close();
            throw e;
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
        if (!advance(tokenizer, file, recordNumber)) {
            return null;
        }
        recordNumber++;
        long line = linesBefore + tokenizer.recordLine();
        long next = tokenizer.offset();
        int fields = tokenizer.fieldCount();
        if (header != null && fields != header.size()) {
            return new ParsedRecord(recordNumber, line, null, null, next, file.getFileName() + " record " + recordNumber
                    + ": has " + fields + " fields, the header has " + header.size(), raw());
        }
        try {
            byte[] key = keyIndex >= 0 && keyIndex < fields ? fieldBytes(keyIndex) : null;
            return new ParsedRecord(recordNumber, line, key, toJson(), next, null, null);
        } catch (CsvColumnTypes.InvalidValueException e) {
            return new ParsedRecord(recordNumber, line, null, null, next, file.getFileName() + " line " + line
                    + ", record " + recordNumber + ": " + e.getMessage(), raw());
        } catch (IOException e) {
            throw new FileParseException(file.getFileName() + " record " + recordNumber + " cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private byte[] toJson() throws IOException, CsvColumnTypes.InvalidValueException {
        JsonNode[] typedValues = types == null ? null : typedValues();
        json.reset();
        if (header != null) {
            generator.writeStartObject();
            for (int slot = 0; slot < fieldNames.length; slot++) {
                generator.writeFieldName(fieldNames[slot]);
                writeField(fieldIndexes[slot], typedValues);
            }
            generator.writeEndObject();
        } else {
            generator.writeStartArray();
            for (int i = 0; i < tokenizer.fieldCount(); i++) {
                writeField(i, typedValues);
            }
            generator.writeEndArray();
        }
        generator.flush();
        return json.toByteArray();
    }

    private void writeField(int index, JsonNode[] typedValues) throws IOException {
        if (typedValues != null) {
            mapper.writeTree(generator, typedValues[index]);
            return;
        }
        byte[] data = tokenizer.data();
        int start = tokenizer.fieldStart(index);
        int length = tokenizer.fieldEnd(index) - start;
        if (isWellFormedUtf8(data, start, length)) {
            generator.writeUTF8String(data, start, length);
        } else {
            generator.writeString(new String(data, start, length, StandardCharsets.UTF_8));
        }
    }

    /** A field as UTF-8; malformed bytes become U+FFFD, as a decoder would make them. */
    private byte[] fieldBytes(int index) {
        byte[] data = tokenizer.data();
        int start = tokenizer.fieldStart(index);
        int end = tokenizer.fieldEnd(index);
        return isWellFormedUtf8(data, start, end - start) ? Arrays.copyOfRange(data, start, end)
                : field(tokenizer, index).getBytes(StandardCharsets.UTF_8);
    }

    private static String field(CsvTokenizer tokenizer, int index) {
        int start = tokenizer.fieldStart(index);
        return new String(tokenizer.data(), start, tokenizer.fieldEnd(index) - start, StandardCharsets.UTF_8);
    }

    /** The record as text, for a dead letter: its fields joined by commas. */
    private String raw() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokenizer.fieldCount(); i++) {
            text.append(i == 0 ? "" : ",").append(field(tokenizer, i));
        }
        return text.toString();
    }

    /** Every field's typed value, converted before any JSON is written, so a refused field leaves no half record. */
    private JsonNode[] typedValues() throws CsvColumnTypes.InvalidValueException {
        int fields = tokenizer.fieldCount();
        CsvColumnTypes.Type[] rowTypes = header != null ? headerTypes : types.resolve(file, null, fields);
        JsonNode[] values = new JsonNode[fields];
        for (int i = 0; i < values.length; i++) {
            values[i] = typed(rowTypes[i], field(tokenizer, i), header != null ? header.get(i) : Integer.toString(i));
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

    /** Reads the next record; a syntax error stops the file with what to check. */
    private static boolean advance(CsvTokenizer tokenizer, Path file, long recordsRead) {
        try {
            return tokenizer.next();
        } catch (CsvTokenizer.SyntaxException e) {
            throw new FileParseException(file.getFileName() + " is not valid CSV after record " + recordsRead + ": "
                    + e.getMessage() + ". Check quoting (quote character, escaped quotes) and the delimiter", e);
        } catch (IOException e) {
            throw new FileParseException(file.getFileName() + " could not be read after record " + recordsRead + ": "
                    + e.getMessage(), e);
        }
    }

    /** The header row, read from the file's start (a resumed reader starts past it). */
    private static List<String> readHeader(Path file, Charset charset, char delimiter, char quote, int maxRecordBytes)
            throws IOException {
        try (InputStream in = open(file, charset, 0)) {
            long base = skipByteOrderMark((PushbackInputStream) in);
            return headerFrom(new CsvTokenizer(in, delimiter, quote, base, maxRecordBytes), file);
        }
    }

    private static List<String> headerFrom(CsvTokenizer tokenizer, Path file) {
        if (!advance(tokenizer, file, 0)) {
            throw new FileParseException(file.getFileName() + " has no header row: add one, or set header=false");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < tokenizer.fieldCount(); i++) {
            String name = field(tokenizer, i);
            if (name.isBlank()) {
                throw new FileParseException(file.getFileName() + " has an invalid header row: column " + (i + 1)
                        + " has no name; name every column, or set header=false");
            }
            names.add(name);
        }
        return names;
    }

    /**
     * The file as UTF-8 from {@code start}: its own bytes for UTF-8 (seeking), else decoded and re-encoded (skipping
     * {@code start} re-encoded bytes). At 0 the stream can push back the byte-order mark check.
     */
    private static InputStream open(Path file, Charset charset, long start) throws IOException {
        InputStream in;
        if (charset.equals(StandardCharsets.UTF_8)) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(start);
            in = Channels.newInputStream(channel);
        } else {
            in = ReaderInputStream.builder().setReader(new InputStreamReader(Files.newInputStream(file), charset))
                    .setCharset(StandardCharsets.UTF_8).get();
            try {
                in.skipNBytes(start);
            } catch (java.io.EOFException e) {
                in.close();
                throw new FileParseException("File ended before the stored position: it changed since it was read");
            }
        }
        return start == 0 ? new PushbackInputStream(in, UTF8_BOM.length) : in;
    }

    /** Skips a UTF-8 byte-order mark at the start; returns the bytes skipped (0 or 3). */
    private static long skipByteOrderMark(PushbackInputStream in) throws IOException {
        byte[] first = in.readNBytes(UTF8_BOM.length);
        if (Arrays.equals(first, UTF8_BOM)) {
            return UTF8_BOM.length;
        }
        in.unread(first);
        return 0;
    }

    /** The UTF-8 length of the file's first {@code chars} characters: a character offset as a byte offset. */
    static long utf8Length(Path file, Charset charset, long chars) throws IOException {
        try (Reader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), charset), 64 * 1024)) {
            long bytes = 0;
            for (long i = 0; i < chars; i++) {
                int c = reader.read();
                if (c < 0) {
                    throw new FileParseException("File ended before the stored position: it changed since it was read");
                }
                if (Character.isHighSurrogate((char) c)) {
                    bytes += 4; // with its low surrogate, the next character, which adds nothing
                    i++;
                    reader.read();
                } else {
                    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
                }
            }
            return bytes;
        }
    }

    /** Whether {@code length} bytes from {@code offset} are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates). */
    static boolean isWellFormedUtf8(byte[] b, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end && b[i] >= 0) {
            i++; // ASCII, the common case
        }
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int more;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                more = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                more = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                more = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + more >= end) {
                return false; // cut short
            }
            int cp = c & (0x3F >> more);
            for (int k = 1; k <= more; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += more + 1;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        generator.close();
        input.close();
    }
}
