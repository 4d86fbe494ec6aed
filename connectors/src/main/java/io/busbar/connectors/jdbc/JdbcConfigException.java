package io.busbar.connectors.jdbc;

/** A JDBC connector is configured wrongly (a missing table, an unknown column, a bad mode); the message says the fix. */
public class JdbcConfigException extends RuntimeException {
    public JdbcConfigException(String message) {
        super(message);
    }

    public JdbcConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
