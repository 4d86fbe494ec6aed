package io.busbar.connectors.jdbc;

/** Rows could not be made durable in the topic; their position was not stored, so they are published again. */
public class SourcePublishException extends RuntimeException {
    public SourcePublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
