package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Loads rows of one shape (table and columns) into PostgreSQL with {@code COPY table (columns) FROM STDIN} through
 * pgjdbc's CopyManager, inside the caller's transaction: rows are encoded by {@link CopyTextFormat} and streamed in
 * chunks of about 64 KiB while the next ones are encoded, so the server parses while the sink encodes. Several times
 * faster than INSERT batches (one protocol message per chunk, no statement per row, no plan). A data error (SQLState
 * 22/23) surfaces at {@link #end()} or while streaming; the transaction is then aborted and the caller rolls back.
 * Not thread-safe: one per writer and shape, used by the sink's single thread ({@link #load} excepted).
 */
final class PostgresCopyWriter implements BulkInsertWriter {

    /** Send what is encoded once this many bytes wait; big enough to amortise a protocol message, small enough to overlap. */
    private static final int CHUNK = 1 << 16;

    private final String sql;
    private final CopyTextFormat format;
    private CopyIn copy;

    private PostgresCopyWriter(String sql, CopyTextFormat format) {
        this.sql = sql;
        this.format = format;
    }

    /** The writer of these columns, or null when a column's type is one COPY text is not used for (see {@link CopyTextFormat}). */
    static PostgresCopyWriter forColumns(JdbcDialect dialect, String table, List<TableColumns.Column> columns,
                                         TypeMapping mapping) {
        CopyTextFormat format = CopyTextFormat.forColumns(columns, mapping);
        if (format == null) {
            return null;
        }
        String sql = "COPY " + dialect.quoteQualified(table) + " ("
                + dialect.joinQuoted(columns.stream().map(TableColumns.Column::name).toList()) + ") FROM STDIN";
        return new PostgresCopyWriter(sql, format);
    }

    @Override
    public String sql() {
        return sql;
    }

    /** Starts a COPY on this connection (in its open transaction). */
    @Override
    public void begin(Connection connection) throws SQLException {
        format.clear();
        copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    }

    /** Encodes one row ({@code fields.get(i)} into column i) and sends what has piled up. */
    @Override
    public void row(List<String> fields, JsonNode value) throws SQLException {
        format.appendRow(fields, value);
        if (format.length() >= CHUNK) {
            copy.writeToCopy(format.bytes(), 0, format.length());
            format.clear();
        }
    }

    /**
     * Streams a record shaped as {@code fields} (top-level fields in that order) without a tree; false when it is not,
     * or its JSON or a value needs the tree path ({@link #row}), and then nothing was added.
     */
    @Override
    public boolean tryRow(List<String> fields, byte[] json) throws SQLException {
        if (!format.tryAppendRow(fields, json)) {
            return false;
        }
        if (format.length() >= CHUNK) {
            copy.writeToCopy(format.bytes(), 0, format.length());
            format.clear();
        }
        return true;
    }

    /** Sends the rest and ends the COPY; returns the rows the server loaded. */
    @Override
    public long end() throws SQLException {
        try {
            if (format.length() > 0) {
                copy.writeToCopy(format.bytes(), 0, format.length());
                format.clear();
            }
            return copy.endCopy();
        } catch (SQLException | RuntimeException e) {
            cancel(e); // the connection must leave COPY mode before the caller can roll back
            throw e;
        } finally {
            copy = null;
        }
    }

    @Override
    public CopyTextFormat newEncoder() {
        return format.emptyCopy();
    }

    /** One COPY of rows already encoded; a count that differs from what the server loaded fails the batch. */
    @Override
    public long load(Connection connection, CopyTextFormat rows, long count) throws SQLException {
        CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            in.writeToCopy(rows.bytes(), 0, rows.length());
            long loaded = in.endCopy();
            if (loaded != count) {
                throw new SQLException("COPY loaded " + loaded + " of " + count + " rows into " + sql, "XX000");
            }
            return loaded;
        } catch (SQLException | RuntimeException e) {
            leaveCopyMode(in, e);
            throw e;
        }
    }

    /** Abandons a COPY that is still open (an encoding error or a failure elsewhere); the transaction is rolled back next. */
    @Override
    public void cancel(Exception cause) {
        format.clear();
        leaveCopyMode(copy, cause);
        copy = null;
    }

    /** Cancels a COPY still open, so that the caller can roll back; the server's "COPY ... canceled" is expected. */
    private static void leaveCopyMode(CopyIn in, Exception cause) {
        if (in != null && in.isActive()) {
            try {
                in.cancelCopy();
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
