package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Rows of the all-types table ({@link TestDatabase#allTypesTable}) used by the mapping and round-trip tests. */
final class JdbcTestRows {

    static final String TEXT = "주문 확인 ✅ 🚀 café";
    static final BigDecimal DECIMAL_30_DIGITS = new BigDecimal("12345678901234567890.1234567890");
    static final BigDecimal NEGATIVE_DECIMAL_30_DIGITS = new BigDecimal("-99999999999999999999.9999999999");
    static final LocalDateTime TIMESTAMP = LocalDateTime.parse("2026-11-25T13:45:10.123456");
    static final OffsetDateTime ZONED = OffsetDateTime.parse("2026-11-25T13:45:10.123456+01:00");
    static final byte[] BYTES = {0, 1, 2, (byte) 0xff};

    private JdbcTestRows() {
    }

    /** id 1: every type with a value; id 2: every column NULL; id 3: negative decimal, false, empty text. */
    static void insertAllTypes(TestDatabase db, DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (id, small_v, int_v, big_v, dec_v, dbl_v, bool_v, date_v, time_v, ts_v, tstz_v, text_v, bin_v)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, 1);
            ps.setShort(2, (short) 12345);
            ps.setInt(3, Integer.MAX_VALUE);
            ps.setLong(4, Long.MAX_VALUE);
            ps.setBigDecimal(5, DECIMAL_30_DIGITS);
            ps.setDouble(6, 3.5);
            ps.setBoolean(7, true);
            ps.setObject(8, LocalDate.parse("2026-11-25"));
            ps.setObject(9, LocalTime.parse("13:45:10"));
            ps.setObject(10, TIMESTAMP);
            ps.setObject(11, db.hasZonedTimestamp() ? ZONED : TIMESTAMP);
            ps.setString(12, TEXT);
            ps.setBytes(13, BYTES);
            ps.addBatch();
            ps.setLong(1, 2);
            int[] types = {Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.DOUBLE, Types.BOOLEAN,
                    Types.DATE, Types.TIME, Types.TIMESTAMP, db.hasZonedTimestamp() ? Types.TIMESTAMP_WITH_TIMEZONE
                    : Types.TIMESTAMP, Types.VARCHAR, Types.VARBINARY};
            for (int i = 0; i < types.length; i++) {
                ps.setNull(i + 2, types[i]);
            }
            ps.addBatch();
            ps.setLong(1, 3);
            ps.setShort(2, (short) -1);
            ps.setInt(3, Integer.MIN_VALUE);
            ps.setLong(4, Long.MIN_VALUE);
            ps.setBigDecimal(5, NEGATIVE_DECIMAL_30_DIGITS);
            ps.setDouble(6, -0.25);
            ps.setBoolean(7, false);
            ps.setObject(8, LocalDate.parse("1970-01-01"));
            ps.setObject(9, LocalTime.parse("00:00:00"));
            ps.setObject(10, LocalDateTime.parse("2000-02-29T00:00:00"));
            ps.setObject(11, db.hasZonedTimestamp() ? OffsetDateTime.parse("2000-02-29T00:00:00Z")
                    : LocalDateTime.parse("2000-02-29T00:00:00"));
            ps.setString(12, "");
            ps.setBytes(13, new byte[0]);
            ps.addBatch();
            ps.executeBatch();
            c.commit();
        }
    }

    /** Every row of the table as JSON, ordered by id. */
    static List<ObjectNode> readAll(DataSource ds, String table) throws SQLException {
        List<ObjectNode> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            RowJsonMapper mapper = new RowJsonMapper(rs.getMetaData());
            while (rs.next()) {
                rows.add(mapper.toJson(rs));
            }
            c.rollback();
        }
        return rows;
    }

    /** A field looked up case-insensitively (H2 upper-cases unquoted names, PostgreSQL lower-cases them). */
    static JsonNode field(JsonNode row, String name) {
        Iterator<Map.Entry<String, JsonNode>> it = row.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        throw new AssertionError("no field " + name + " in " + row);
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long n = rs.getLong(1);
            c.rollback();
            return n;
        }
    }
}
