package io.busbar.connectors.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;

/**
 * Reads {@link RecordFormat#CSV} files with commons-csv (RFC 4180: quoted fields may hold delimiters, quotes and
 * line breaks), streaming: one record is parsed ahead, never the whole file. With a header row each record
 * becomes a JSON object {@code {"column": "value", ...}} in column order, else a JSON array of the fields.
 *
 * <p>Positions are byte offsets from commons-csv's byte tracking, so a resume seeks straight to the first record
 * not yet stored; the header row is read again from the start of the file. A row whose field count differs from
 * the header's is a malformed record (dead-letter or stop, as configured); text commons-csv cannot parse (an
 * unterminated quote) stops the file with {@link FileParseException}. Not thread-safe.
 */
final class CsvRecordReader implements FileRecordReader {

    private final Path file;
    private final long fileSize;
    private final ObjectMapper mapper;
    private final String keyField;
    private final List<String> header;
    private final int keyIndex;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final long base;
    private CSVRecord ahead;
    private long recordNumber;

    CsvRecordReader(Path file, CSVFormat format, Charset charset, boolean hasHeader, String keyField, ObjectMapper mapper,
                    long startPosition, long recordsBefore) throws IOException {
        this.file = file;
        this.mapper = mapper;
        this.keyField = keyField;
        this.recordNumber = recordsBefore;
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        this.fileSize = channel.size();
        long bom = byteOrderMarkLength(file, charset);
        CSVFormat effective = format;
        long start = Math.max(startPosition, bom);
        if (hasHeader) {
            List<String> names = readHeader(file, format, charset, bom);
            this.header = names;
            effective = format.builder().setHeader(names.toArray(String[]::new)).setSkipHeaderRecord(start == bom).get();
        } else {
            this.header = null;
        }
        this.keyIndex = keyIndex();
        channel.position(start);
        this.base = start;
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 256 * 1024);
        this.parser = CSVParser.builder().setReader(new InputStreamReader(in, charset)).setCharset(charset)
                .setFormat(effective).setTrackBytes(true).get();
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
        ahead = fetch();
        long next = ahead == null ? fileSize : base + ahead.getBytePosition();
        recordNumber++;
        long line = current.getRecordNumber();
        if (header != null && current.size() != header.size()) {
            return new ParsedRecord(recordNumber, line, null, null, next, file.getFileName() + " record " + recordNumber
                    + ": has " + current.size() + " fields, the header has " + header.size(), String.join(",", current.values()));
        }
        try {
            byte[] key = keyIndex >= 0 && keyIndex < current.size() ? current.get(keyIndex).getBytes(StandardCharsets.UTF_8) : null;
            return new ParsedRecord(recordNumber, line, key, toJson(current), next, null, null);
        } catch (JsonProcessingException e) {
            throw new FileParseException(file.getFileName() + " record " + recordNumber + " cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private byte[] toJson(CSVRecord record) throws JsonProcessingException {
        if (header != null) {
            ObjectNode node = mapper.createObjectNode();
            for (int i = 0; i < header.size(); i++) {
                node.put(header.get(i), record.get(i));
            }
            return mapper.writeValueAsBytes(node);
        }
        ArrayNode array = mapper.createArrayNode();
        for (String field : record) {
            array.add(field);
        }
        return mapper.writeValueAsBytes(array);
    }

    private CSVRecord fetch() {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new FileParseException(file.getFileName() + " is not valid CSV after record " + recordNumber + ": "
                    + rootMessage(e) + ". Check quoting (quote character, escaped quotes) and the delimiter", e);
        }
    }

    private static List<String> readHeader(Path file, CSVFormat format, Charset charset, long bom) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(bom);
            CSVParser headerParser = CSVParser.builder()
                    .setReader(new InputStreamReader(Channels.newInputStream(channel), charset))
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

    private static long byteOrderMarkLength(Path file, Charset charset) throws IOException {
        if (!charset.equals(StandardCharsets.UTF_8)) {
            return 0;
        }
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] b = in.readNBytes(3);
            return b.length == 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF ? 3 : 0;
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
        parser.close();
    }
}
