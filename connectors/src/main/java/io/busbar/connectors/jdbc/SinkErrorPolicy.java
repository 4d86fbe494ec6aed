package io.busbar.connectors.jdbc;

import java.util.Locale;

/**
 * What a JDBC sink does with a record the database refuses for its data (a value that does not fit, a constraint
 * violation): see {@link SqlErrors}. Transient errors (connection lost, deadlock, timeout) are always retried.
 */
public enum SinkErrorPolicy {
    /** Stop on it: the batch is rolled back and retried with backoff until someone fixes the data or the table. */
    FAIL,
    /** Write it to the dead-letter topic with the reason, write the rest of the batch, go on (the default). */
    DEAD_LETTER,
    /** Log it and go on without it. */
    SKIP;

    static SinkErrorPolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new JdbcConfigException("errorPolicy '" + text + "' is not one of fail, dead-letter, skip");
        }
    }
}
