package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.DateTimeException;
import java.util.Base64;
import java.util.Locale;

/**
 * Binds a JSON value to a statement parameter by the target column's type: the inverse of {@link RowJsonMapper}
 * (exact decimals from numbers or strings, ISO-8601 dates and times, base64 binaries). Stateless, thread-safe.
 */
final class JsonColumnBinder {

    private JsonColumnBinder() {
    }

    static void bind(PreparedStatement ps, int index, TableColumns.Column column, JsonNode value) throws SQLException {
        bind(ps, index, column, value, TypeMapping.DEFAULTS);
    }

    static void bind(PreparedStatement ps, int index, TableColumns.Column column, JsonNode value, TypeMapping mapping)
            throws SQLException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            ps.setNull(index, column.sqlType());
            return;
        }
        if (mapping.emptyStringAsNull() && value.isTextual() && value.asText().isEmpty() && !isText(column.sqlType())
                && !isBinary(column.sqlType())) {
            // an empty CSV field into a number, date or boolean column: no value, not an error (empty base64 is 0 bytes)
            ps.setNull(index, column.sqlType());
            return;
        }
        String type = column.typeName() == null ? "" : column.typeName(); // compared ignoring case, without a copy per value
        try {
            if (type.equalsIgnoreCase("timestamptz") || containsIgnoreCase(type, "timestamp with time zone")) {
                ps.setObject(index, zoned(value.asText(), mapping.timestampZone()));
                return;
            }
            if (type.equalsIgnoreCase("timetz") || containsIgnoreCase(type, "time with time zone")) {
                ps.setObject(index, OffsetTime.parse(value.asText()));
                return;
            }
            switch (column.sqlType()) {
                case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> {
                    if (value.isBoolean()) {
                        ps.setLong(index, value.booleanValue() ? 1 : 0);
                    } else if (value.isBigInteger() && !value.canConvertToLong()) {
                        ps.setBigDecimal(index, new BigDecimal(value.bigIntegerValue()));
                    } else {
                        ps.setLong(index, value.isIntegralNumber() ? value.longValue()
                                : value.isNumber() ? value.decimalValue().longValueExact() : integer(value.asText()));
                    }
                }
                case Types.NUMERIC, Types.DECIMAL ->
                        ps.setBigDecimal(index, value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText().trim()));
                case Types.REAL, Types.FLOAT, Types.DOUBLE ->
                        ps.setDouble(index, value.isNumber() ? value.doubleValue() : Double.parseDouble(value.asText().trim()));
                case Types.BOOLEAN, Types.BIT -> ps.setBoolean(index, value.isBoolean() ? value.booleanValue()
                        : value.isNumber() ? value.intValue() != 0 : bool(value.asText()));
                case Types.DATE -> ps.setObject(index, LocalDate.parse(value.asText()));
                case Types.TIME -> ps.setObject(index, LocalTime.parse(value.asText()));
                case Types.TIME_WITH_TIMEZONE -> ps.setObject(index, OffsetTime.parse(value.asText()));
                case Types.TIMESTAMP -> ps.setObject(index, timestampWithoutZone(value.asText(), mapping.timestampZone()));
                case Types.TIMESTAMP_WITH_TIMEZONE -> ps.setObject(index, zoned(value.asText(), mapping.timestampZone()));
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
                        ps.setBytes(index, value.isBinary() ? value.binaryValue() : Base64.getDecoder().decode(value.asText()));
                case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                     Types.CLOB, Types.NCLOB -> ps.setString(index, text(value, column, mapping));
                // json, uuid, enums and the like: let the database convert the text
                default -> ps.setObject(index, text(value, column, mapping), Types.OTHER);
            }
        } catch (DateTimeException | IllegalArgumentException | ArithmeticException | java.io.IOException e) {
            // NumberFormatException is an IllegalArgumentException; so are base64 errors
            throw new RecordMappingException("Value " + value + " does not fit column '" + column.name() + "' ("
                    + column.typeName() + "): send " + expected(column.sqlType()), e);
        }
    }

    /**
     * A TIMESTAMP (without time zone) column's value: an ISO local date-time as it is, or one with a zone or offset
     * ({@code 2026-11-02T01:01:00Z}, {@code ...+09:00}) converted to {@code zone} (the sink's timestampZone, UTC by
     * default).
     */
    static LocalDateTime timestampWithoutZone(String s, java.time.ZoneId zone) {
        if (s.length() > 19 && (s.endsWith("Z") || s.indexOf('+', 19) > 0 || s.indexOf('-', 19) > 0 || s.endsWith("]"))) {
            return java.time.ZonedDateTime.parse(s).withZoneSameInstant(zone).toLocalDateTime();
        }
        return localDateTime(s);
    }

    /**
     * A zoned column's value: ISO text with an offset as it is; a local date-time ({@code 2026-11-25T13:45:10}) is
     * taken as being in {@code zone} (the sink's timestampZone), the inverse of {@link #timestampWithoutZone}.
     */
    static OffsetDateTime zoned(String s, java.time.ZoneId zone) {
        try {
            return OffsetDateTime.parse(s);
        } catch (DateTimeException e) {
            return localDateTime(s).atZone(zone).toOffsetDateTime();
        }
    }

    /** An integer given as text: {@code 42}, {@code " 42 "}, {@code 42.0}; a fraction or anything else is refused. */
    static long integer(String text) {
        String t = text.trim();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return new BigDecimal(t).longValueExact(); // NumberFormatException or ArithmeticException: refused
        }
    }

    /**
     * A boolean given as text: true/false, t/f, yes/no, y/n, 1/0 (any case). Anything else is refused rather than
     * read as false, which {@link Boolean#parseBoolean} would do.
     */
    static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1" -> true;
            case "false", "f", "no", "n", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean: " + text);
        };
    }

    private static boolean containsIgnoreCase(String s, String part) {
        for (int i = 0; i + part.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBinary(int sqlType) {
        return sqlType == Types.BINARY || sqlType == Types.VARBINARY || sqlType == Types.LONGVARBINARY || sqlType == Types.BLOB;
    }

    private static boolean isText(int sqlType) {
        return switch (sqlType) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB, Types.OTHER -> true;
            default -> false;
        };
    }

    /**
     * ISO local date-time, with a fast path for the form the jdbc-source writes ({@code 2026-11-25T13:45:10.123456}):
     * {@link LocalDateTime#parse} costs several microseconds a value, a noticeable share of a sink's time on H2.
     * Anything else goes to {@link LocalDateTime#parse}; values out of range still fail there or in {@code of}.
     */
    static LocalDateTime localDateTime(String s) {
        int n = s.length();
        if (n < 19 || n > 29 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || (n > 19 && (s.charAt(19) != '.' || n == 20))) {
            return LocalDateTime.parse(s);
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int nanos = n > 19 ? digits(s, 20, n) : 0;
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || nanos < 0) {
            return LocalDateTime.parse(s);
        }
        for (int i = n; i < 29; i++) {
            nanos *= 10; // .123456 is 123456000 ns
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    }

    /** The decimal value of s[from, to), or -1 if a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String text(JsonNode value, TableColumns.Column column, TypeMapping mapping) throws SQLException {
        String text = value.isValueNode() ? value.asText() : value.toString();
        if (mapping.rejectNulInText() && text.indexOf('\u0000') >= 0) {
            // PostgreSQL stores no NUL in text and answers only "invalid byte sequence for encoding UTF8: 0x00"
            throw new java.sql.SQLDataException("Value of column '" + column.name() + "' contains a NUL character"
                    + " (\\u0000, at index " + text.indexOf('\u0000') + "), which PostgreSQL text cannot store: strip it"
                    + " before the sink, or use a bytea column", "22021");
        }
        return text;
    }

    static String expected(int sqlType) {
        return switch (sqlType) {
            case Types.DATE -> "an ISO date such as 2026-11-25";
            case Types.TIME -> "an ISO time such as 13:45:10";
            case Types.TIMESTAMP -> "an ISO timestamp such as 2026-11-25T13:45:10.123 (with a zone or offset: stored in UTC)";
            case Types.TIMESTAMP_WITH_TIMEZONE -> "an ISO timestamp such as 2026-11-25T13:45:10Z (without offset: in timestampZone)";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "base64 text";
            case Types.BOOLEAN, Types.BIT -> "a JSON boolean, or true/false, yes/no, 1/0 as text";
            default -> "a JSON number or a string holding one";
        };
    }
}
