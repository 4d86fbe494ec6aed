package io.busbar.connectors.jdbc;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Tells a data error — this record can never be written as it is — from a transient one that a retry may cure.
 * By SQLState class (SQL standard, as H2, PostgreSQL and MariaDB report it): 22 data exception (a value out of range,
 * too long, of the wrong form, a NUL byte in PostgreSQL text) and 23 integrity constraint violation (not null,
 * unique, foreign key, check) are data errors; 08 connection exceptions, 40 transaction rollbacks (serialization
 * failure, deadlock), 53/57 resources and operator intervention, timeouts and anything unknown are transient.
 * A record that cannot be mapped to the table at all ({@link RecordMappingException}) is a data error too.
 */
final class SqlErrors {
    private SqlErrors() {
    }

    static boolean isDataError(Throwable e) {
        if (e instanceof RecordMappingException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException) {
                return false;
            }
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    String state = s.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * Whether this error of a {@code CREATE TABLE IF NOT EXISTS} or {@code ALTER TABLE ... ADD} means that another
     * session created the table (or added the column) at the same moment, and committed: then the caller rolls back
     * and runs its DDL again, now against that table. Two sink members starting together meet it (their offsets
     * table, a table they {@code autoCreate}). PostgreSQL's {@code IF NOT EXISTS} is not safe against itself: it
     * checks, then creates, and of two sessions creating the same table at once the second fails when the first
     * commits — on the catalog's unique index (23505, {@code pg_type_typname_nsp_index}), or as 42P07 duplicate table
     * or 42710 duplicate object (the table's row type), depending on the moment. The same race on an added column is
     * 42701 (PostgreSQL) or 42S21 (MariaDB, H2) duplicate column. Only for DDL: after DML, 23505 is a duplicate key.
     */
    static boolean createdConcurrently(Throwable e) {
        String state = sqlState(e);
        return "23505".equals(state) || "42P07".equals(state) || "42710".equals(state) || "42701".equals(state)
                || "42S21".equals(state);
    }

    /** The SQLState of the first SQLException in the chain, or null. */
    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /** The vendor error code of the first SQLException in the chain, or null. */
    static Integer errorCode(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s.getErrorCode();
            }
        }
        return null;
    }
}
