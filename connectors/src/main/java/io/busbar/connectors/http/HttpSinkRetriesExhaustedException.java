package io.busbar.connectors.http;

/**
 * The target kept failing in a retryable way (timeouts, connection errors, 5xx, 408, 429) for the configured
 * {@code maxAttempts}. With the default (0: retry until the route stops) this never happens.
 */
public class HttpSinkRetriesExhaustedException extends RuntimeException {
    public HttpSinkRetriesExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
