package io.busbar.connectors.sink;

import io.busbar.bus.Header;
import io.busbar.connectors.bus.BusConstants;

import java.util.ArrayList;
import java.util.List;

/**
 * A sink's target refuses this record for its data: retrying cannot help. The {@code bus:} consumer dead-letters
 * such a record at once, without redeliveries, adding {@link #deadLetterHeaders()} ({@code bus.dlq.reason} and what
 * the sink knows, e.g. the HTTP status) to the dead letter. Anything else a sink throws is transient and follows the
 * consumer's redelivery settings.
 */
public class SinkDataException extends RuntimeException {

    private final List<Header> headers;

    /** @param more further {@code bus.dlq.*} headers, e.g. {@code bus.dlq.http.status} */
    public SinkDataException(String reason, Throwable cause, List<Header> more) {
        super(reason, cause);
        List<Header> all = new ArrayList<>();
        all.add(Header.of(BusConstants.DLQ_REASON, reason));
        all.addAll(more);
        this.headers = List.copyOf(all);
    }

    public SinkDataException(String reason, Throwable cause) {
        this(reason, cause, List.of());
    }

    /** The headers the dead letter carries beyond the standard {@code bus.dlq.*} ones. */
    public List<Header> deadLetterHeaders() {
        return headers;
    }

    /** The first SinkDataException in a cause chain, or null. */
    public static SinkDataException in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SinkDataException data) {
                return data;
            }
        }
        return null;
    }
}
