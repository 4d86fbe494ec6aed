package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Turns the current row of a result set into a JSON object, one field per column (named by its label), with a
 * stable mapping of SQL types:
 * <ul>
 *   <li>TINYINT..BIGINT: JSON integer; NUMERIC/DECIMAL: exact JSON number (plain notation, see {@link RecordJson});
 *       REAL/DOUBLE: JSON number (NaN and infinities as strings)</li>
 *   <li>BOOLEAN/BIT: true/false</li>
 *   <li>DATE {@code 2026-11-25}, TIME {@code 13:45:10.5}, TIMESTAMP {@code 2026-11-25T13:45:10.123456} (no zone), and
 *       with a zone where the type has one: TIMESTAMP WITH TIME ZONE / timestamptz {@code 2026-11-25T12:45:10Z},
 *       TIME WITH TIME ZONE {@code 13:45:10+01:00} (ISO-8601)</li>
 *   <li>character types: JSON string (Java strings, so UTF-8 on the wire); binary types: base64 string</li>
 *   <li>SQL NULL: JSON null; any other type: its {@code getString} text</li>
 * </ul>
 * Built once per result set shape; not thread-safe (use one per query).
 */
final class RowJsonMapper {

    private enum Kind { INTEGER, DECIMAL, FLOATING, BOOLEAN, DATE, TIME, TIME_TZ, TIMESTAMP, TIMESTAMP_TZ, TEXT, BINARY, OTHER }

    private final String[] names;
    private final Kind[] kinds;

    RowJsonMapper(ResultSetMetaData meta) throws SQLException {
        int n = meta.getColumnCount();
        names = new String[n];
        kinds = new Kind[n];
        for (int i = 0; i < n; i++) {
            names[i] = meta.getColumnLabel(i + 1);
            kinds[i] = kindOf(meta.getColumnType(i + 1), meta.getColumnTypeName(i + 1));
        }
    }

    /** Field names in column order. */
    String[] names() {
        return names.clone();
    }

    static Kind kindOf(int sqlType, String typeName) {
        String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        // PostgreSQL reports timestamptz/timetz as plain TIMESTAMP/TIME; the type name tells them apart.
        if (type.equals("timestamptz") || type.contains("timestamp with time zone")) {
            return Kind.TIMESTAMP_TZ;
        }
        if (type.equals("timetz") || type.contains("time with time zone")) {
            return Kind.TIME_TZ;
        }
        return switch (sqlType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.NUMERIC, Types.DECIMAL -> Kind.DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> Kind.FLOATING;
            case Types.BOOLEAN, Types.BIT -> Kind.BOOLEAN;
            case Types.DATE -> Kind.DATE;
            case Types.TIME -> Kind.TIME;
            case Types.TIME_WITH_TIMEZONE -> Kind.TIME_TZ;
            case Types.TIMESTAMP -> Kind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMP_TZ;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> Kind.TEXT;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Kind.BINARY;
            default -> Kind.OTHER;
        };
    }

    ObjectNode toJson(ResultSet rs) throws SQLException {
        ObjectNode row = RecordJson.NODES.objectNode();
        for (int i = 0; i < names.length; i++) {
            int col = i + 1;
            String name = names[i];
            switch (kinds[i]) {
                case INTEGER -> {
                    Object v = rs.getObject(col);
                    if (v == null) {
                        row.putNull(name);
                    } else if (v instanceof BigInteger big) {
                        row.put(name, big);
                    } else if (v instanceof BigDecimal dec) {
                        row.put(name, dec.toBigIntegerExact());
                    } else if (v instanceof Boolean b) {
                        row.put(name, b ? 1 : 0);
                    } else {
                        row.put(name, ((Number) v).longValue());
                    }
                }
                case DECIMAL -> {
                    BigDecimal v = rs.getBigDecimal(col);
                    if (v == null) {
                        row.putNull(name);
                    } else {
                        row.put(name, v);
                    }
                }
                case FLOATING -> {
                    double v = rs.getDouble(col);
                    if (rs.wasNull()) {
                        row.putNull(name);
                    } else if (Double.isNaN(v) || Double.isInfinite(v)) {
                        row.put(name, Double.toString(v));
                    } else {
                        row.put(name, v);
                    }
                }
                case BOOLEAN -> {
                    boolean v = rs.getBoolean(col);
                    if (rs.wasNull()) {
                        row.putNull(name);
                    } else {
                        row.put(name, v);
                    }
                }
                case DATE -> putText(row, name, rs.getObject(col, LocalDate.class), DateTimeFormatter.ISO_LOCAL_DATE);
                case TIME -> putText(row, name, rs.getObject(col, LocalTime.class), DateTimeFormatter.ISO_LOCAL_TIME);
                case TIME_TZ -> putText(row, name, rs.getObject(col, OffsetTime.class), DateTimeFormatter.ISO_OFFSET_TIME);
                case TIMESTAMP -> putText(row, name, rs.getObject(col, LocalDateTime.class), DateTimeFormatter.ISO_LOCAL_DATE_TIME);
                case TIMESTAMP_TZ -> putText(row, name, rs.getObject(col, OffsetDateTime.class), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                case BINARY -> {
                    byte[] v = rs.getBytes(col);
                    if (v == null) {
                        row.putNull(name);
                    } else {
                        row.put(name, v);
                    }
                }
                case TEXT, OTHER -> {
                    String v = rs.getString(col);
                    if (v == null) {
                        row.putNull(name);
                    } else {
                        row.put(name, v);
                    }
                }
            }
        }
        return row;
    }

    /** ISO formatters always print seconds ({@code 13:45:00}), unlike {@code toString()}, so the text is stable. */
    private static void putText(ObjectNode row, String name, TemporalAccessor value, DateTimeFormatter format) {
        if (value == null) {
            row.putNull(name);
        } else {
            row.put(name, format.format(value));
        }
    }
}
