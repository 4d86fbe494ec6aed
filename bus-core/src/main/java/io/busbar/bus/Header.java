package io.busbar.bus;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A record header: a name and a value (bytes, may be null). Headers are ordered and names may repeat, as in Kafka. */
public record Header(String key, byte[] value) {
    public Header {
        Objects.requireNonNull(key, "header key");
    }

    public static Header of(String key, String value) {
        return new Header(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value decoded as UTF-8, or null. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
