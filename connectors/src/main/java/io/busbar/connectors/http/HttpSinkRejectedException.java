package io.busbar.connectors.http;

/**
 * The target answered a status that retrying cannot fix (a 4xx other than 408 and 429, or an unfollowed 3xx): a data
 * error. With errorPolicy=dead-letter the {@code bus:} consumer writes the record to the dead-letter topic at once
 * with {@code bus.dlq.reason} (the request, the status and the start of the response body) and
 * {@code bus.dlq.http.status}.
 */
public class HttpSinkRejectedException extends io.busbar.connectors.sink.SinkDataException {

    private final int status;
    private final String responseBody;

    public HttpSinkRejectedException(int status, String responseBody, String message) {
        super(message, null, java.util.List.of(io.busbar.bus.Header.of(
                io.busbar.connectors.bus.BusConstants.DLQ_HTTP_STATUS, Integer.toString(status))));
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
