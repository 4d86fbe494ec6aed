package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;

/**
 * Loads rows of one shape into MariaDB with {@code LOAD DATA LOCAL INFILE} fed from memory (MariaDB Connector/J's
 * {@code setLocalInfileInputStream}; the pool sets {@code allowLocalInfile=true}), inside the caller's transaction:
 * rows are encoded by {@link CopyTextFormat#forLoadData} (tab-separated, backslash escapes, {@code \N} for NULL) and
 * sent in one statement at {@link #end()}. The server parses the rows without a statement per row.
 *
 * <p>With LOCAL, MariaDB never fails a load for bad data: a duplicate key skips the row and a value that does not
 * fit is truncated or zeroed, each with a warning. So a load that reports any warning, or loads fewer rows than
 * were sent, throws {@link BulkInsertWriter.NotLoadable}: the caller rolls the transaction back and writes the batch
 * with statements, which fail on the bad record itself (and the sink's error policy isolates it). A server with
 * {@code local_infile=OFF} refuses the statement ({@link #refusesLoadData}).
 *
 * <p>Not thread-safe: one per writer and shape, used by the sink's single thread ({@link #load} excepted).
 */
final class MariaDbLoadWriter implements BulkInsertWriter {

    /** The file name the statement names; the driver sends our stream for it, never a file from disk. */
    private static final String STREAM_NAME = "busbar-rows.tsv";

    private final String sql;
    private final CopyTextFormat format;
    private Connection connection;
    private long rows;

    private MariaDbLoadWriter(String sql, CopyTextFormat format) {
        this.sql = sql;
        this.format = format;
    }

    /** The writer of these columns, or null when a column's type is one LOAD DATA is not used for. */
    static MariaDbLoadWriter forColumns(JdbcDialect dialect, String table, List<TableColumns.Column> columns,
                                        TypeMapping mapping) {
        CopyTextFormat format = CopyTextFormat.forLoadData(columns, mapping);
        if (format == null) {
            return null;
        }
        String sql = "LOAD DATA LOCAL INFILE '" + STREAM_NAME + "' INTO TABLE " + dialect.quoteQualified(table)
                + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ("
                + dialect.joinQuoted(columns.stream().map(TableColumns.Column::name).toList()) + ")";
        return new MariaDbLoadWriter(sql, format);
    }

    /**
     * The server or the driver does not allow LOAD DATA LOCAL: {@code local_infile=OFF} (error 1148 or 4166) or
     * {@code allowLocalInfile=false} on the connection. Not the data's fault: statements from then on.
     */
    static boolean refusesLoadData(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        return e instanceof SQLFeatureNotSupportedException || e.getErrorCode() == 1148 || e.getErrorCode() == 4166
                || (message.contains("local infile") || message.contains("local_infile")) && message.contains("disabled");
    }

    @Override
    public String sql() {
        return sql;
    }

    @Override
    public void begin(Connection connection) {
        format.clear();
        this.connection = connection;
        rows = 0;
    }

    @Override
    public void row(List<String> fields, JsonNode value) {
        format.appendRow(fields, value);
        rows++;
    }

    @Override
    public boolean tryRow(List<String> fields, byte[] json) {
        if (!format.tryAppendRow(fields, json)) {
            return false;
        }
        rows++;
        return true;
    }

    @Override
    public long end() throws SQLException {
        try {
            return load(connection, format, rows);
        } finally {
            format.clear();
            connection = null;
        }
    }

    @Override
    public CopyTextFormat newEncoder() {
        return format.emptyCopy();
    }

    @Override
    public long load(Connection connection, CopyTextFormat encoded, long count) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (!statement.isWrapperFor(org.mariadb.jdbc.Statement.class)) {
                throw new SQLFeatureNotSupportedException("LOAD DATA from memory needs MariaDB Connector/J; the driver"
                        + " is " + connection.getMetaData().getDriverName(), "0A000");
            }
            statement.unwrap(org.mariadb.jdbc.Statement.class)
                    .setLocalInfileInputStream(new ByteArrayInputStream(encoded.bytes(), 0, encoded.length()));
            long loaded = statement.executeLargeUpdate(sql);
            SQLWarning warning = statement.getWarnings();
            if (warning != null || loaded != count) {
                throw new NotLoadable("LOAD DATA loaded " + loaded + " of " + count + " rows"
                        + (warning != null ? " with warnings (first: " + warning.getMessage() + ")" : ""));
            }
            return loaded;
        }
    }

    @Override
    public void cancel(Exception cause) {
        format.clear(); // nothing was sent yet: the rows only existed in the buffer
        connection = null;
    }
}
