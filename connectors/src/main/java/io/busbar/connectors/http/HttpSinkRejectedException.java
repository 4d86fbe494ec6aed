package io.busbar.connectors.http;

/**
 * The target answered a status that retrying cannot fix (a 4xx other than 408 and 429, or an unfollowed 3xx).
 * The record goes to the dead-letter topic; the message carries the status and the start of the response body,
 * which the {@code bus:} consumer stores in the dead-letter record's {@code bus.dlq.exception.message} header.
 */
public class HttpSinkRejectedException extends RuntimeException {

    private final int status;
    private final String responseBody;

    public HttpSinkRejectedException(int status, String responseBody, String message) {
        super(message);
        this.status = status;
        this.responseBody = responseBody;
    }

    public int status() {
        return status;
    }

    public String responseBody() {
        return responseBody;
    }
}
