package io.busbar.connectors.sink;

import java.util.Locale;

/**
 * What a sink (JDBC, HTTP, file) does with a record its target refuses for its data — a value that does not fit, a
 * constraint violation, an HTTP 4xx, a record the file format cannot hold: see {@link SinkDataException}. Transient
 * errors (connection lost, deadlock, timeout, HTTP 5xx/408/429, I/O) are always retried.
 */
public enum SinkErrorPolicy {
    /** Stop on it: the record is retried with backoff until someone fixes the data or the target. */
    FAIL,
    /** Write it to the dead-letter topic with the reason, go on with the next records (the default). */
    DEAD_LETTER,
    /** Log it and go on without it. */
    SKIP;

    /** Parses {@code fail}, {@code dead-letter} or {@code skip} (the kamelets' {@code errorPolicy}). */
    public static SinkErrorPolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("errorPolicy '" + text + "' is not one of fail, dead-letter, skip");
        }
    }
}
