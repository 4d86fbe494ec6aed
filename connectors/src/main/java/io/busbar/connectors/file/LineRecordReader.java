package io.busbar.connectors.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads {@link RecordFormat#LINES} and {@link RecordFormat#JSONL} files line by line at the byte level, so the
 * position after each line is exact and a restart can seek straight to it. Lines end with {@code \n} or
 * {@code \r\n}; blank lines are skipped; a UTF-8 byte-order mark at the start is skipped. Memory is bounded by
 * the read buffer plus one line of at most {@code maxRecordBytes}.
 *
 * <p>Only charsets in which {@code \n} is the single byte 0x0A can be split this way (UTF-8, ISO-8859-*,
 * windows-125x, US-ASCII...); the constructor refuses the others (UTF-16/32). Not thread-safe.
 */
final class LineRecordReader implements FileRecordReader {

    private static final int BUFFER_BYTES = 256 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final Charset charset;
    private final boolean utf8;
    private final boolean json;
    private final String keyField;
    private final int maxRecordBytes;
    private final ObjectMapper mapper;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private byte[] line = new byte[1024];
    private int lineLength;
    private long position;
    private long lineNumber;
    private long recordNumber;

    /**
     * @param startPosition byte offset where a line starts (0, or a position returned earlier)
     * @param linesBefore   lines before {@code startPosition} (so line numbers stay right after a resume)
     * @param recordsBefore records before {@code startPosition}
     */
    LineRecordReader(Path file, Charset charset, boolean json, String keyField, int maxRecordBytes, ObjectMapper mapper,
                     long startPosition, long linesBefore, long recordsBefore) throws IOException {
        requireLineCharset(charset);
        this.file = file;
        this.charset = charset;
        this.utf8 = charset.equals(StandardCharsets.UTF_8);
        this.json = json;
        this.keyField = keyField;
        this.maxRecordBytes = maxRecordBytes;
        this.mapper = mapper;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.position = startPosition;
        this.lineNumber = linesBefore;
        this.recordNumber = recordsBefore;
        channel.position(startPosition);
        buffer.flip();
        if (startPosition == 0) {
            skipUtf8ByteOrderMark();
        }
    }

    static void requireLineCharset(Charset charset) {
        byte[] newline = "\n".getBytes(charset);
        if (newline.length != 1 || newline[0] != '\n' || !charset.newEncoder().canEncode('\n')) {
            throw new IllegalArgumentException("charset = " + charset.name() + " cannot be split into lines byte by"
                    + " byte: use an ASCII-compatible charset such as UTF-8 or ISO-8859-1 for format lines/jsonl");
        }
    }

    @Override
    public ParsedRecord next() throws IOException {
        while (true) {
            long lineStart = position;
            if (!readLine()) {
                return null;
            }
            lineNumber++;
            if (isBlank()) {
                continue;
            }
            recordNumber++;
            return toRecord(lineStart);
        }
    }

    private ParsedRecord toRecord(long lineStart) {
        String text = utf8 && !json ? null : new String(line, 0, lineLength, charset);
        byte[] value = utf8 ? Arrays.copyOf(line, lineLength) : text.getBytes(StandardCharsets.UTF_8);
        if (!json) {
            return new ParsedRecord(recordNumber, lineNumber, null, value, position, null, null);
        }
        try {
            JsonNode node = mapper.readTree(value);
            byte[] key = null;
            if (keyField != null) {
                JsonNode k = node.get(keyField);
                if (k == null || k.isNull()) {
                    return malformed(text, "field '" + keyField + "' (keyField) is missing");
                }
                key = (k.isValueNode() ? k.asText() : k.toString()).getBytes(StandardCharsets.UTF_8);
            }
            return new ParsedRecord(recordNumber, lineNumber, key, value, position, null, null);
        } catch (JsonProcessingException e) {
            return malformed(text, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return malformed(text, "not valid JSON: " + e.getMessage());
        }
    }

    private ParsedRecord malformed(String text, String reason) {
        return new ParsedRecord(recordNumber, lineNumber, null, null, position,
                file.getFileName() + " line " + lineNumber + ": " + reason, text);
    }

    /** Reads up to and including the next line break into {@link #line}; false at end of file with nothing read. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        boolean any = false;
        while (true) {
            if (!buffer.hasRemaining()) {
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                if (n <= 0) {
                    return any;
                }
            }
            any = true;
            byte[] array = buffer.array();
            int start = buffer.position();
            int end = buffer.limit();
            int i = start;
            while (i < end && array[i] != '\n') {
                i++;
            }
            boolean found = i < end;
            append(array, start, i - start);
            int consumed = i - start + (found ? 1 : 0);
            buffer.position(start + consumed);
            position += consumed;
            if (found) {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
        }
    }

    private void append(byte[] src, int offset, int length) {
        if (lineLength + length > maxRecordBytes) {
            throw new FileParseException(file.getFileName() + " line " + (lineNumber + 1) + " is longer than "
                    + maxRecordBytes + " bytes (maxRecordBytes): raise it, or check the file's format and line breaks");
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(src, offset, line, lineLength, length);
        lineLength += length;
    }

    private boolean isBlank() {
        for (int i = 0; i < lineLength; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private void skipUtf8ByteOrderMark() throws IOException {
        ByteBuffer bom = ByteBuffer.allocate(3);
        channel.read(bom, 0);
        if (bom.position() == 3 && bom.get(0) == (byte) 0xEF && bom.get(1) == (byte) 0xBB && bom.get(2) == (byte) 0xBF) {
            channel.position(3);
            position = 3;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
