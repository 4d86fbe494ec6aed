package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Loads one run of same-shape inserts with the database's bulk path instead of INSERT statements, inside the
 * caller's transaction: PostgreSQL's COPY ({@link PostgresCopyWriter}), MariaDB's LOAD DATA ({@link MariaDbLoadWriter}).
 * A run is {@link #begin}, rows, then {@link #end} (or {@link #cancel}). Not thread-safe: one per writer and shape.
 */
interface BulkInsertWriter {

    /** The statement that loads the rows (for messages). */
    String sql();

    /** Starts a run on this connection (in its open transaction). */
    void begin(Connection connection) throws SQLException;

    /** Adds one row: {@code fields.get(i)} of {@code value} into column i. */
    void row(List<String> fields, JsonNode value) throws SQLException;

    /**
     * Adds a record shaped as {@code fields} (top-level fields in that order) without a tree; false when it is not,
     * or its JSON or a value needs the tree path ({@link #row}), and then nothing was added.
     */
    boolean tryRow(List<String> fields, byte[] json) throws SQLException;

    /** Loads what is left and ends the run; returns the rows the database loaded. */
    long end() throws SQLException;

    /**
     * A new encoder of this writer's rows, detached from any connection: the pipelined sink encodes the next batch
     * into it while the previous one loads, then hands it to {@link #load}.
     */
    CopyTextFormat newEncoder();

    /**
     * Loads {@code count} rows encoded by a {@link #newEncoder()} of this writer in one run, in the connection's open
     * transaction; returns the rows loaded. Safe to call from another thread than the one that encodes: it reads only
     * the statement and the given rows.
     */
    long load(Connection connection, CopyTextFormat rows, long count) throws SQLException;

    /** Abandons an open run (an encoding error or a failure elsewhere); the transaction is rolled back next. */
    void cancel(Exception cause);

    /** The database cannot load the batch as the statements would (it would change or drop values): use statements. */
    final class NotLoadable extends RuntimeException {
        NotLoadable(String message) {
            super(message, null, false, false);
        }
    }
}
