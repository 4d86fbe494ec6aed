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
import java.time.format.DateTimeParseException;
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
        if (value == null || value.isNull() || value.isMissingNode()) {
            ps.setNull(index, column.sqlType());
            return;
        }
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
        try {
            if (type.equals("timestamptz") || type.contains("timestamp with time zone")) {
                ps.setObject(index, OffsetDateTime.parse(value.asText()));
                return;
            }
            if (type.equals("timetz") || type.contains("time with time zone")) {
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
                                : value.isNumber() ? value.decimalValue().longValueExact() : Long.parseLong(value.asText().trim()));
                    }
                }
                case Types.NUMERIC, Types.DECIMAL ->
                        ps.setBigDecimal(index, value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText().trim()));
                case Types.REAL, Types.FLOAT, Types.DOUBLE ->
                        ps.setDouble(index, value.isNumber() ? value.doubleValue() : Double.parseDouble(value.asText().trim()));
                case Types.BOOLEAN, Types.BIT -> ps.setBoolean(index, value.isBoolean() ? value.booleanValue()
                        : value.isNumber() ? value.intValue() != 0 : Boolean.parseBoolean(value.asText().trim()));
                case Types.DATE -> ps.setObject(index, LocalDate.parse(value.asText()));
                case Types.TIME -> ps.setObject(index, LocalTime.parse(value.asText()));
                case Types.TIME_WITH_TIMEZONE -> ps.setObject(index, OffsetTime.parse(value.asText()));
                case Types.TIMESTAMP -> ps.setObject(index, LocalDateTime.parse(value.asText()));
                case Types.TIMESTAMP_WITH_TIMEZONE -> ps.setObject(index, OffsetDateTime.parse(value.asText()));
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
                        ps.setBytes(index, value.isBinary() ? value.binaryValue() : Base64.getDecoder().decode(value.asText()));
                case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                     Types.CLOB, Types.NCLOB -> ps.setString(index, text(value));
                // json, uuid, enums and the like: let the database convert the text
                default -> ps.setObject(index, text(value), Types.OTHER);
            }
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException | java.io.IOException e) {
            // NumberFormatException is an IllegalArgumentException; so are base64 errors
            throw new RecordMappingException("Value " + value + " does not fit column '" + column.name() + "' ("
                    + column.typeName() + "): send " + expected(column.sqlType()), e);
        }
    }

    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String expected(int sqlType) {
        return switch (sqlType) {
            case Types.DATE -> "an ISO date such as 2026-11-25";
            case Types.TIME -> "an ISO time such as 13:45:10";
            case Types.TIMESTAMP -> "an ISO timestamp such as 2026-11-25T13:45:10.123";
            case Types.TIMESTAMP_WITH_TIMEZONE -> "an ISO timestamp with offset such as 2026-11-25T13:45:10Z";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "base64 text";
            default -> "a JSON number or a string holding one";
        };
    }
}
