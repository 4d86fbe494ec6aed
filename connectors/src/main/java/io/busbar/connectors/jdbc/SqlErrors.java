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
