package io.busbar.bus;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A record to send. Key and value are bytes and may be null; headers are ordered.
 *
 * @param partition explicit partition, or null to let the partitioner choose (key: murmur2 like Kafka; no key: sticky)
 * @param timestamp create time in epoch millis, or {@link #NO_TIMESTAMP} to stamp it with the current time on send
 */
public record BusRecord(Integer partition, byte[] key, byte[] value, List<Header> headers, long timestamp) {
    public static final long NO_TIMESTAMP = -1L;

    public BusRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public static BusRecord of(byte[] key, byte[] value) {
        return new BusRecord(null, key, value, List.of(), NO_TIMESTAMP);
    }

    public static BusRecord of(String key, String value) {
        return of(utf8(key), utf8(value));
    }

    public BusRecord withHeaders(List<Header> newHeaders) {
        return new BusRecord(partition, key, value, newHeaders, timestamp);
    }

    public BusRecord withPartition(int newPartition) {
        return new BusRecord(newPartition, key, value, headers, timestamp);
    }

    public BusRecord withTimestamp(long newTimestamp) {
        return new BusRecord(partition, key, value, headers, newTimestamp);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
