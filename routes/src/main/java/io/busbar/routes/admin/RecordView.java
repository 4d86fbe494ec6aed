package io.busbar.routes.admin;

import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;

import java.util.List;

/**
 * A record as the admin API shows it: key, value and header values decoded as UTF-8 (invalid bytes become U+FFFD).
 * Immutable.
 */
public record RecordView(String topic, int partition, long offset, long timestamp, String key, String value,
                         List<HeaderView> headers) {

    public record HeaderView(String key, String value) { }

    static RecordView of(ConsumedRecord r) {
        return new RecordView(r.topic(), r.partition(), r.offset(), r.timestamp(), r.keyAsString(), r.valueAsString(),
                r.headers().stream().map(h -> new HeaderView(h.key(), h.valueAsString())).toList());
    }

    /** The value of the last header with this name, or null. */
    static String header(ConsumedRecord r, String name) {
        String found = null;
        for (Header h : r.headers()) {
            if (h.key().equals(name)) {
                found = h.valueAsString();
            }
        }
        return found;
    }
}
