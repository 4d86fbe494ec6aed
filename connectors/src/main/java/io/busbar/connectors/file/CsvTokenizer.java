package io.busbar.connectors.file;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts UTF-8 CSV bytes into records and fields without decoding them: the delimiter, the quote and line breaks are
 * ASCII, and no byte of a multi-byte UTF-8 character is ASCII, so fields can be found byte by byte and handed on as
 * UTF-8 (to Jackson's {@code writeUTF8String}, to a record key) with no {@code String} in between. This is what
 * makes the file source's CSV path fast: commons-csv decodes every character and builds each field in a
 * {@code StringBuilder}, which was half of the file source's CPU.
 *
 * <p>The grammar is RFC 4180 as commons-csv's {@code RFC4180} format reads it with empty lines ignored (so the
 * records are the same, field for field; {@code CsvTokenizerTest} checks it against commons-csv): a field that
 * starts with the quote is quoted and may hold delimiters, line breaks and doubled quotes (one quote); blanks
 * between a closing quote and the delimiter are dropped, any other character there is an error; a quote inside an
 * unquoted field is an ordinary character; CR LF, LF and a lone CR each end a record; empty lines are skipped; a
 * delimiter at the end of a line makes a last empty field. No escape character, no trimming.
 *
 * <p>Positions are byte offsets in the stream, counted from where it started ({@code startPosition}). A record
 * whose fields together exceed {@code maxRecordBytes} stops the file: it bounds the memory an unterminated quote can
 * take. Not thread-safe.
 */
final class CsvTokenizer {

    /** Text that cannot be cut into records (an unterminated quote, a character after a closing quote, a record too long). */
    static final class SyntaxException extends IOException {
        SyntaxException(String message) {
            super(message);
        }
    }

    private static final int EOF = -1;

    private final InputStream in;
    private final byte delimiter;
    private final byte quote;
    private final int maxRecordBytes;
    private final byte[] buffer;
    private int pos;
    private int limit;
    /** Stream offset of {@code buffer[0]}. */
    private long bufferStart;
    private boolean eof;
    /** Line breaks consumed so far (a CR LF pair counts once). */
    private long lineBreaks;
    /** The last byte consumed inside a quoted field was a CR (so a following LF ends the same line). */
    private boolean lastWasCr;

    /** The current record: its fields' bytes back to back, quotes undone, and where each field ends in them. */
    private byte[] data = new byte[1024];
    private int dataLength;
    private int[] fieldEnds = new int[16];
    private int fieldCount;
    private long recordStart;
    private long recordLine;

    CsvTokenizer(InputStream in, char delimiter, char quote, long startPosition, int maxRecordBytes) {
        this(in, delimiter, quote, startPosition, maxRecordBytes, 128 * 1024);
    }

    /** With a chosen read buffer size (tests use tiny ones to cut fields and line breaks across refills). */
    CsvTokenizer(InputStream in, char delimiter, char quote, long startPosition, int maxRecordBytes, int bufferSize) {
        if (delimiter >= 0x80 || quote >= 0x80 || delimiter == '\r' || delimiter == '\n' || quote == '\r' || quote == '\n') {
            throw new IllegalArgumentException("CSV delimiter and quote must be ASCII characters other than line breaks");
        }
        this.in = in;
        this.delimiter = (byte) delimiter;
        this.quote = (byte) quote;
        this.maxRecordBytes = maxRecordBytes;
        this.buffer = new byte[bufferSize];
        this.bufferStart = startPosition;
    }

    /**
     * Reads the next record; false at the end of the stream.
     *
     * @throws SyntaxException when the text is not CSV (see the class comment)
     */
    boolean next() throws IOException {
        dataLength = 0;
        fieldCount = 0;
        int b;
        while ((b = peek()) == '\n' || b == '\r') {
            consumeLineBreak(b);
        }
        if (b == EOF) {
            return false;
        }
        recordStart = offset();
        recordLine = lineBreaks + 1;
        boolean endOfRecord;
        do {
            if (peek() == quote) {
                pos++;
                readQuoted();
                endOfRecord = afterClosingQuote();
            } else {
                endOfRecord = readUnquoted();
            }
            endField();
        } while (!endOfRecord);
        return true;
    }

    /** Fields of the current record. */
    int fieldCount() {
        return fieldCount;
    }

    /** The bytes of every field of the current record; field {@code i} is {@code [fieldStart(i), fieldEnd(i))}. */
    byte[] data() {
        return data;
    }

    int fieldStart(int i) {
        return i == 0 ? 0 : fieldEnds[i - 1];
    }

    int fieldEnd(int i) {
        return fieldEnds[i];
    }

    /** Stream offset of the current record's first byte. */
    long recordStart() {
        return recordStart;
    }

    /** 1-based line (counted from the stream's start) on which the current record starts. */
    long recordLine() {
        return recordLine;
    }

    /** Stream offset just past what has been consumed: after the current record and its line break. */
    long offset() {
        return bufferStart + pos;
    }

    /** An unquoted field up to the delimiter, a line break or the end; true when it ends the record. */
    private boolean readUnquoted() throws IOException {
        while (true) {
            int start = pos;
            int i = pos;
            byte[] buf = buffer;
            int end = limit;
            while (i < end) {
                byte c = buf[i];
                if (c == delimiter || c == '\n' || c == '\r') {
                    break;
                }
                i++;
            }
            append(buf, start, i - start);
            pos = i;
            if (i < end) {
                byte c = buf[i];
                if (c == delimiter) {
                    pos++;
                    return false;
                }
                consumeLineBreak(c);
                return true;
            }
            if (!fill()) {
                return true;
            }
        }
    }

    /** A quoted field's content, after its opening quote, up to and including its closing quote. */
    private void readQuoted() throws IOException {
        long startLine = lineBreaks + 1;
        while (true) {
            int start = pos;
            int i = pos;
            byte[] buf = buffer;
            int end = limit;
            while (i < end) {
                byte c = buf[i];
                if (c == quote) {
                    break;
                }
                if (c == '\r') {
                    lineBreaks++;
                } else if (c == '\n' && !lastWasCr) {
                    lineBreaks++;
                }
                lastWasCr = c == '\r';
                i++;
            }
            append(buf, start, i - start);
            pos = i;
            if (i < end) {
                pos++; // the quote
                lastWasCr = false;
                if (peek() == quote) {
                    pos++;
                    append(quote);
                    continue;
                }
                return;
            }
            if (!fill()) {
                throw new SyntaxException("the quoted field that starts on line " + startLine + " has no closing quote"
                        + " before the end of the file");
            }
        }
    }

    /** After a closing quote: blanks are dropped, then a delimiter, a line break or the end; true when the record ends. */
    private boolean afterClosingQuote() throws IOException {
        while (true) {
            int c = peek();
            if (c == delimiter) {
                pos++;
                return false;
            }
            if (c == EOF) {
                return true;
            }
            if (c == '\n' || c == '\r') {
                consumeLineBreak(c);
                return true;
            }
            if (!isBlank(c)) {
                throw new SyntaxException("line " + (lineBreaks + 1) + ": '" + (char) c + "' after the closing quote of"
                        + " a field, where a delimiter or a line break must come");
            }
            pos++;
        }
    }

    /** What commons-csv drops after a closing quote: Java's whitespace ({@code Character.isWhitespace}) but line breaks. */
    private static boolean isBlank(int c) {
        return c == ' ' || c == '\t' || c == 0x0B || c == '\f' || (c >= 0x1C && c <= 0x1F);
    }

    private void consumeLineBreak(int c) throws IOException {
        pos++;
        if (c == '\r' && peek() == '\n') {
            pos++;
        }
        lineBreaks++;
    }

    private void endField() {
        if (fieldCount == fieldEnds.length) {
            fieldEnds = Arrays.copyOf(fieldEnds, fieldCount * 2);
        }
        fieldEnds[fieldCount++] = dataLength;
    }

    private void append(byte[] source, int offset, int length) throws SyntaxException {
        if (length == 0) {
            return;
        }
        ensureRoom(length);
        System.arraycopy(source, offset, data, dataLength, length);
        dataLength += length;
    }

    private void append(byte b) throws SyntaxException {
        ensureRoom(1);
        data[dataLength++] = b;
    }

    private void ensureRoom(int length) throws SyntaxException {
        int needed = dataLength + length;
        if (needed > maxRecordBytes) {
            throw new SyntaxException("the record on line " + recordLine + " is longer than maxRecordBytes ("
                    + maxRecordBytes + " bytes): raise maxRecordBytes, or check for a quote that is never closed");
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, Math.min(maxRecordBytes, data.length * 2)));
        }
    }

    /** The next byte without consuming it, or {@link #EOF}. */
    private int peek() throws IOException {
        if (pos == limit && !fill()) {
            return EOF;
        }
        return buffer[pos] & 0xFF;
    }

    /** Refills an exhausted buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        if (eof) {
            return false;
        }
        bufferStart += limit;
        pos = 0;
        limit = 0;
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit = n;
        return true;
    }
}
