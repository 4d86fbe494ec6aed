package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Encodes rows in PostgreSQL's COPY text format (UTF-8): columns separated by a tab, rows ended by a newline,
 * {@code \N} for NULL, and backslash, tab, newline and carriage return escaped with a backslash — so quotes, commas,
 * any Unicode and empty strings pass as they are. Values are converted by the same rules as {@link JsonColumnBinder}
 * (empty text into a typed column is NULL, zoned timestamps into TIMESTAMP columns become UTC, exact decimals, base64
 * binaries) and written in a form PostgreSQL's input functions read back to the same value.
 *
 * <p>A value this format cannot express exactly as the statement path would bind it (a year outside 1-9999, which
 * PostgreSQL writes with BC or more digits) raises {@link NotCopyable}: the caller writes that batch with statements
 * instead. Column types it does not know ({@code bit}, for example) make {@link #forColumns} return null, so such
 * tables always use statements.
 *
 * <p>MariaDB's {@code LOAD DATA} reads the same text with {@code FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES
 * TERMINATED BY '\n'} (its defaults): {@link #forLoadData} differs only in writing booleans as 1/0 and leaving
 * PostgreSQL-only types (bytea, zoned types) to statements.
 *
 * <p>{@link #tryAppendRow} is the fast path for records shaped like the previous one: it streams the JSON with
 * Jackson's parser straight into the buffer (text, and integers, decimals and timestamps sent as strings, as the
 * file source sends CSV fields, are copied without building a tree or a String). Anything else goes through
 * {@link #appendRow}, the same rules on a parsed tree. Not thread-safe: the row buffer is reused.
 */
final class CopyTextFormat {

    /** A value COPY text cannot carry the way the statement path binds it: write the batch with statements. */
    static final class NotCopyable extends RuntimeException {
        NotCopyable(String message) {
            super(message, null, false, false);
        }
    }

    private enum Kind { TEXT, OTHER, INTEGER, DECIMAL, FLOAT, BOOLEAN, DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, BYTEA }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final List<TableColumns.Column> columns;
    private final Kind[] kinds;
    /** Per column: an empty string means NULL (a typed column), as {@link JsonColumnBinder} decides. */
    private final boolean[] emptyIsNull;
    /** Booleans as t/f (PostgreSQL) or 1/0 (MariaDB, whose BOOLEAN is TINYINT(1)). */
    private final char trueChar;
    private final char falseChar;
    private byte[] buf = new byte[1 << 16];
    private char[] chars = new char[256];
    private int len;

    /** The sink's type mapping options (empty strings, timestamp zone), the same rules as the statement path. */
    private final TypeMapping mapping;

    private CopyTextFormat(List<TableColumns.Column> columns, Kind[] kinds, TypeMapping mapping, boolean loadData) {
        this.columns = columns;
        this.kinds = kinds;
        this.mapping = mapping;
        this.trueChar = loadData ? '1' : 't';
        this.falseChar = loadData ? '0' : 'f';
        this.emptyIsNull = new boolean[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            emptyIsNull[i] = mapping.emptyStringAsNull() && kinds[i] != Kind.TEXT && kinds[i] != Kind.BYTEA
                    && !(kinds[i] == Kind.OTHER && columns.get(i).sqlType() == Types.OTHER);
        }
    }

    /** The encoder of rows of these columns, or null when a column's type is not one this format handles. */
    static CopyTextFormat forColumns(List<TableColumns.Column> columns, TypeMapping mapping) {
        Kind[] kinds = new Kind[columns.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = kind(columns.get(i));
            if (kinds[i] == null) {
                return null;
            }
        }
        return new CopyTextFormat(List.copyOf(columns), kinds, mapping, false);
    }

    /** An encoder of the same columns, rules and dialect with a buffer of its own (a batch encoded while another loads). */
    CopyTextFormat emptyCopy() {
        return new CopyTextFormat(columns, kinds, mapping, trueChar == '1');
    }

    /** The encoder for MariaDB's {@code LOAD DATA}, or null when a column's type is not one it handles. */
    static CopyTextFormat forLoadData(List<TableColumns.Column> columns, TypeMapping mapping) {
        Kind[] kinds = new Kind[columns.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = loadDataKind(columns.get(i));
            if (kinds[i] == null) {
                return null;
            }
        }
        return new CopyTextFormat(List.copyOf(columns), kinds, mapping, true);
    }

    /**
     * MariaDB's types: BOOLEAN is TINYINT(1), which the driver reports as BIT; a real BIT(n) column and binary
     * columns (raw bytes, not text) go through statements. MariaDB has no zoned types.
     */
    private static Kind loadDataKind(TableColumns.Column column) {
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        return switch (column.sqlType()) {
            case Types.BOOLEAN, Types.BIT -> type.startsWith("tinyint") || type.startsWith("bool") ? Kind.BOOLEAN : null;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> null;
            case Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE -> null;
            default -> kind(column);
        };
    }

    /** By the pgjdbc type code and name, in the order {@link JsonColumnBinder#bind} decides. */
    private static Kind kind(TableColumns.Column column) {
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        if (type.equals("timestamptz") || type.contains("timestamp with time zone")) {
            return Kind.TIMESTAMPTZ;
        }
        if (type.equals("timetz") || type.contains("time with time zone")) {
            return Kind.TIMETZ;
        }
        return switch (column.sqlType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.NUMERIC, Types.DECIMAL -> Kind.DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> type.equals("money") ? null : Kind.FLOAT;
            // pgjdbc reports boolean as BIT; a real bit(n) column reads '0'/'1', not t/f: statements
            case Types.BOOLEAN, Types.BIT -> type.equals("bool") || type.equals("boolean") ? Kind.BOOLEAN : null;
            case Types.DATE -> Kind.DATE;
            case Types.TIME -> Kind.TIME;
            case Types.TIME_WITH_TIMEZONE -> Kind.TIMETZ;
            case Types.TIMESTAMP -> Kind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMPTZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> type.equals("bytea") ? Kind.BYTEA : null;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> Kind.TEXT;
            // json, uuid, enums, arrays: the statement path sends text for the database to convert; so does COPY
            default -> Kind.OTHER;
        };
    }

    /** Appends one row: {@code fields.get(i)} of {@code value} into column i. */
    void appendRow(List<String> fields, JsonNode value) {
        for (int i = 0; i < kinds.length; i++) {
            if (i > 0) {
                put('\t');
            }
            appendValue(i, value.get(fields.get(i)));
        }
        put('\n');
    }

    /**
     * Appends the row of a record whose top-level fields are exactly {@code fields}, in that order, streaming it; returns
     * false and appends nothing when the record is shaped otherwise, is not valid JSON, or a value does not convert, so
     * the caller takes the tree path, which writes the row or reports the error.
     */
    boolean tryAppendRow(List<String> fields, byte[] json) {
        int mark = len;
        try (JsonParser p = RecordJson.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                len = mark;
                return false;
            }
            int i = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                if (i == kinds.length || !fields.get(i).equals(p.currentName())) {
                    len = mark;
                    return false;
                }
                if (i > 0) {
                    put('\t');
                }
                p.nextToken();
                appendToken(i++, p);
            }
            if (t != JsonToken.END_OBJECT || i != kinds.length) {
                len = mark;
                return false;
            }
            put('\n');
            return true;
        } catch (IOException | RuntimeException e) {
            len = mark; // malformed, or a value that does not fit: the tree path says which
            return false;
        }
    }

    private void appendToken(int i, JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            putAscii("\\N");
        } else if (t == JsonToken.VALUE_STRING) {
            appendString(i, p);
        } else {
            appendValue(i, RecordJson.MAPPER.readTree(p)); // numbers, booleans, objects, arrays: as the tree path
        }
    }

    /** A JSON string into column i: copied straight from the parser's characters where the form is plain. */
    private void appendString(int i, JsonParser p) throws IOException {
        char[] text = p.getTextCharacters();
        int off = p.getTextOffset();
        int n = p.getTextLength();
        if (n == 0 && emptyIsNull[i]) {
            putAscii("\\N");
            return;
        }
        switch (kinds[i]) {
            case TEXT, OTHER -> putEscaped(text, off, n);
            case INTEGER -> {
                if (isPlainInteger(text, off, n)) {
                    putAscii(text, off, n);
                } else {
                    appendValue(i, TextNode.valueOf(p.getText()));
                }
            }
            case DECIMAL -> {
                if (isPlainDecimal(text, off, n)) {
                    putAscii(text, off, n);
                } else {
                    appendValue(i, TextNode.valueOf(p.getText()));
                }
            }
            case TIMESTAMP -> {
                if (isPlainLocalDateTime(text, off, n)) {
                    putAscii(text, off, n);
                    buf[len - n + 10] = ' ';
                } else {
                    appendValue(i, TextNode.valueOf(p.getText()));
                }
            }
            default -> appendValue(i, TextNode.valueOf(p.getText()));
        }
    }

    /** {@code -?[0-9]{1,18}}: fits a long, so the statement path would bind the same number. */
    private static boolean isPlainInteger(char[] c, int off, int n) {
        int start = n > 0 && c[off] == '-' ? 1 : 0;
        if (n - start < 1 || n - start > 18) {
            return false;
        }
        for (int k = start; k < n; k++) {
            if (c[off + k] < '0' || c[off + k] > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code -?digits[.digits]} with at least one digit: PostgreSQL's numeric input reads the same value as BigDecimal. */
    private static boolean isPlainDecimal(char[] c, int off, int n) {
        int start = n > 0 && c[off] == '-' ? 1 : 0;
        boolean digit = false;
        boolean dot = false;
        if (n - start > 100) {
            return false;
        }
        for (int k = start; k < n; k++) {
            char ch = c[off + k];
            if (ch >= '0' && ch <= '9') {
                digit = true;
            } else if (ch == '.' && !dot) {
                dot = true;
            } else {
                return false;
            }
        }
        return digit;
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,6}]}, no zone, year 0001-9999, fields in range: what the jdbc-source and CSV files
     * send. Such text means the same to PostgreSQL (with a space for the T) as to {@link JsonColumnBinder#localDateTime};
     * a day past the month's end is refused by both (and then goes through statements, which report it).
     */
    private static boolean isPlainLocalDateTime(char[] c, int off, int n) {
        if (n < 19 || n > 26 || (n > 19 && (c[off + 19] != '.' || n == 20)) || c[off + 4] != '-' || c[off + 7] != '-'
                || c[off + 10] != 'T' || c[off + 13] != ':' || c[off + 16] != ':') {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (k == 4 || k == 7 || k == 10 || k == 13 || k == 16 || k == 19) {
                continue;
            }
            if (c[off + k] < '0' || c[off + k] > '9') {
                return false;
            }
        }
        int year = num(c, off, 4);
        int month = num(c, off + 5, 2);
        int day = num(c, off + 8, 2);
        return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && num(c, off + 11, 2) <= 23
                && num(c, off + 14, 2) <= 59 && num(c, off + 17, 2) <= 59;
    }

    private static int num(char[] c, int off, int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            v = v * 10 + (c[off + k] - '0');
        }
        return v;
    }

    int length() {
        return len;
    }

    byte[] bytes() {
        return buf;
    }

    void clear() {
        len = 0;
    }

    private void appendValue(int i, JsonNode value) {
        Kind kind = kinds[i];
        if (value == null || value.isNull() || value.isMissingNode()) {
            putAscii("\\N");
            return;
        }
        if (value.isTextual() && value.asText().isEmpty() && emptyIsNull[i]) {
            putAscii("\\N"); // an empty CSV field into a number, date or boolean column: no value, as the binder does
            return;
        }
        try {
            switch (kind) {
                case TEXT, OTHER -> putEscaped(value.isValueNode() ? value.asText() : value.toString());
                case INTEGER -> putAscii(integer(value));
                case DECIMAL -> putAscii((value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText().trim())).toString());
                case FLOAT -> putAscii(Double.toString(value.isNumber() ? value.doubleValue() : Double.parseDouble(value.asText().trim())));
                case BOOLEAN -> put(value.isBoolean() ? value.booleanValue() ? trueChar : falseChar
                        : value.isNumber() ? value.intValue() != 0 ? trueChar : falseChar
                        : JsonColumnBinder.bool(value.asText()) ? trueChar : falseChar);
                case DATE -> putDate(LocalDate.parse(value.asText()));
                case TIME -> putTime(LocalTime.parse(value.asText()));
                case TIMETZ -> {
                    OffsetTime t = OffsetTime.parse(value.asText());
                    putTime(t.toLocalTime());
                    putOffset(t.getOffset());
                }
                case TIMESTAMP -> putDateTime(JsonColumnBinder.timestampWithoutZone(value.asText(), mapping.timestampZone()));
                case TIMESTAMPTZ -> {
                    OffsetDateTime t = JsonColumnBinder.zoned(value.asText(), mapping.timestampZone());
                    putDateTime(t.toLocalDateTime());
                    putOffset(t.getOffset());
                }
                case BYTEA -> putBytea(value.isBinary() ? value.binaryValue() : Base64.getDecoder().decode(value.asText()));
            }
        } catch (DateTimeException | IllegalArgumentException | ArithmeticException | IOException e) {
            TableColumns.Column column = columns.get(i);
            throw new RecordMappingException("Value " + value + " does not fit column '" + column.name() + "' ("
                    + column.typeName() + "): send " + JsonColumnBinder.expected(column.sqlType()), e);
        }
    }

    private static String integer(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue() ? "1" : "0";
        }
        if (value.isBigInteger() && !value.canConvertToLong()) {
            return value.bigIntegerValue().toString(); // out of range: the database says so, as with statements
        }
        return Long.toString(value.isIntegralNumber() ? value.longValue()
                : value.isNumber() ? value.decimalValue().longValueExact() : JsonColumnBinder.integer(value.asText()));
    }

    private void putDate(LocalDate d) {
        int year = d.getYear();
        if (year < 1 || year > 9999) {
            throw new NotCopyable("year " + year + " needs PostgreSQL's BC/extended notation");
        }
        putDigits(year, 4);
        put('-');
        putDigits(d.getMonthValue(), 2);
        put('-');
        putDigits(d.getDayOfMonth(), 2);
    }

    private void putTime(LocalTime t) {
        putDigits(t.getHour(), 2);
        put(':');
        putDigits(t.getMinute(), 2);
        put(':');
        putDigits(t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            put('.');
            putDigits(nanos, digits); // PostgreSQL rounds past microseconds, as pgjdbc does for bound values
        }
    }

    private void putDateTime(LocalDateTime t) {
        putDate(t.toLocalDate());
        put(' ');
        putTime(t.toLocalTime());
    }

    private void putOffset(ZoneOffset offset) {
        int seconds = offset.getTotalSeconds();
        put(seconds < 0 ? '-' : '+');
        seconds = Math.abs(seconds);
        putDigits(seconds / 3600, 2);
        put(':');
        putDigits(seconds / 60 % 60, 2);
        if (seconds % 60 != 0) {
            put(':');
            putDigits(seconds % 60, 2);
        }
    }

    /** bytea's hex input {@code \x0a1b}, its backslash escaped for COPY. */
    private void putBytea(byte[] bytes) {
        ensure(3 + 2 * bytes.length);
        buf[len++] = '\\';
        buf[len++] = '\\';
        buf[len++] = 'x';
        for (byte b : bytes) {
            buf[len++] = HEX[(b >> 4) & 0xF];
            buf[len++] = HEX[b & 0xF];
        }
    }

    /**
     * UTF-8 with COPY's escapes, in one pass without allocating. An unpaired surrogate becomes '?', as
     * {@code String.getBytes(UTF_8)} (and so the statement path) makes it. A NUL character is passed on:
     * PostgreSQL refuses it in text (SQLState 22021) and the batch falls back to statements, which dead-letter it.
     */
    private void putEscaped(String s) {
        int n = s.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, chars.length * 2)];
        }
        s.getChars(0, n, chars, 0);
        putEscaped(chars, 0, n);
    }

    private void putEscaped(char[] a, int from, int count) {
        ensure(count * 3 + 2);
        int n = from + count;
        for (int i = from; i < n; i++) {
            char c = a[i];
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> { buf[len++] = '\\'; buf[len++] = '\\'; }
                    case '\n' -> { buf[len++] = '\\'; buf[len++] = 'n'; }
                    case '\r' -> { buf[len++] = '\\'; buf[len++] = 'r'; }
                    case '\t' -> { buf[len++] = '\\'; buf[len++] = 't'; }
                    default -> buf[len++] = (byte) c;
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(a[i + 1])) {
                    int cp = Character.toCodePoint(c, a[++i]);
                    buf[len++] = (byte) (0xF0 | (cp >> 18));
                    buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    buf[len++] = '?';
                }
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void putAscii(char[] a, int from, int n) {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) a[from + i];
        }
    }

    /** {@code v} in exactly {@code width} digits, zero-padded (v is never negative here). */
    private void putDigits(int v, int width) {
        ensure(width);
        for (int i = len + width - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += width;
    }

    private void put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
