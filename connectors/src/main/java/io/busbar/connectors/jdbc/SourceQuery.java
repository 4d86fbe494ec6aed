package io.busbar.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SELECT a JDBC source runs for its mode, with the user's column names resolved to the labels the database
 * returns (so quoting is safe on H2, which upper-cases, and PostgreSQL, which lower-cases). Immutable, thread-safe.
 *
 * <p>incrementing: {@code WHERE inc > ? ORDER BY inc}; timestamp+incrementing:
 * {@code WHERE ts < ? AND (ts > ? OR (ts = ? AND inc > ?)) ORDER BY ts, inc}, where the upper bound is now minus
 * the delay; bulk: every row. Batches are limited with {@link java.sql.Statement#setMaxRows}.
 */
final class SourceQuery {

    private final JdbcSourceConfig config;
    private final String from;
    private final String incrementing;
    private final String timestamp;
    private final List<String> keyColumns;
    private final JdbcDialect dialect;

    private SourceQuery(JdbcSourceConfig config, JdbcDialect dialect, String from, String incrementing,
                        String timestamp, List<String> keyColumns) {
        this.config = config;
        this.dialect = dialect;
        this.from = from;
        this.incrementing = incrementing;
        this.timestamp = timestamp;
        this.keyColumns = keyColumns;
    }

    /** Resolves the source's columns by running it for zero rows; fails with the fix when a column is missing. */
    static SourceQuery resolve(Connection connection, JdbcDialect dialect, JdbcSourceConfig config) throws SQLException {
        String from;
        List<String> primaryKey = List.of();
        if (!JdbcSourceConfig.blank(config.table())) {
            TableColumns table = TableColumns.load(connection, config.table().trim());
            from = dialect.quoteQualified(table.table());
            primaryKey = table.primaryKey();
        } else {
            from = "(" + config.query().trim() + ") busbar_source";
        }
        List<String> labels = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT * FROM " + from + " WHERE 1 = 0");
             ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                labels.add(meta.getColumnLabel(i));
            }
        }
        String inc = config.mode() == SourceMode.BULK ? null : label(labels, config.incrementingColumn(), "incrementingColumn", config);
        String ts = config.mode() == SourceMode.TIMESTAMP_INCREMENTING ? label(labels, config.timestampColumn(), "timestampColumn", config) : null;
        List<String> keys = new ArrayList<>();
        if (!JdbcSourceConfig.blank(config.keyColumn())) {
            for (String k : config.keyColumn().split(",")) {
                keys.add(label(labels, k.trim(), "keyColumn", config));
            }
        } else {
            keys.addAll(primaryKey);
        }
        return new SourceQuery(config, dialect, from, inc, ts, List.copyOf(keys));
    }

    private static String label(List<String> labels, String wanted, String setting, JdbcSourceConfig config) {
        for (String l : labels) {
            if (l.equalsIgnoreCase(wanted.trim())) {
                return l;
            }
        }
        throw new JdbcConfigException("JDBC source '" + config.connectorId() + "': " + setting + " '" + wanted
                + "' is not a column of " + (config.table() != null ? "table '" + config.table() + "'" : "the query")
                + " (columns: " + labels + "): fix " + setting);
    }

    /** The record key columns (labels), possibly empty: then records have no key. */
    List<String> keyColumns() {
        return keyColumns;
    }

    String incrementingLabel() {
        return incrementing;
    }

    String timestampLabel() {
        return timestamp;
    }

    /** The statement for the next batch after {@code position}, its parameters bound. */
    PreparedStatement prepare(Connection connection, SourcePosition position, long nowMillis) throws SQLException {
        String sql;
        List<Object> params = new ArrayList<>();
        switch (config.mode()) {
            case BULK -> sql = "SELECT * FROM " + from;
            case INCREMENTING -> {
                sql = "SELECT * FROM " + from + " WHERE " + q(incrementing) + " > ? ORDER BY " + q(incrementing);
                params.add(position.incrementing() == null ? Long.MIN_VALUE : position.incrementing());
            }
            case TIMESTAMP_INCREMENTING -> {
                Timestamp upper = new Timestamp(nowMillis - config.timestampDelayMs());
                String order = " ORDER BY " + q(timestamp) + ", " + q(incrementing);
                if (position.timestamp() == null) {
                    sql = "SELECT * FROM " + from + " WHERE " + q(timestamp) + " < ?" + order;
                    params.add(upper);
                } else {
                    sql = "SELECT * FROM " + from + " WHERE " + q(timestamp) + " < ? AND (" + q(timestamp) + " > ? OR ("
                            + q(timestamp) + " = ? AND " + q(incrementing) + " > ?))" + order;
                    params.add(upper);
                    params.add(position.timestamp());
                    params.add(position.timestamp());
                    params.add(position.incrementing() == null ? Long.MIN_VALUE : position.incrementing());
                }
            }
            default -> throw new IllegalStateException(config.mode().toString());
        }
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            ps.setQueryTimeout(config.queryTimeoutSeconds());
            ps.setFetchSize(Math.min(config.batchSize(), 10_000));
            if (config.mode() != SourceMode.BULK) {
                ps.setMaxRows(config.batchSize());
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private String q(String label) {
        return dialect.quote(label);
    }

    @Override
    public String toString() {
        return config.mode().configName() + " from " + from.toLowerCase(Locale.ROOT);
    }
}
