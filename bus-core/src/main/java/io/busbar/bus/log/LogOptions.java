package io.busbar.bus.log;

import io.busbar.bus.Durability;
import io.busbar.bus.InvalidConfigException;

import java.util.Objects;

/**
 * Runtime settings of a partition log that are not topic settings: when an append counts as durable, and what to do
 * when recovery finds corruption in the middle of the log. Immutable.
 *
 * @param durability           when {@link AppendResult#durable()} completes (default {@link Durability#FSYNC})
 * @param flushIntervalMs      fsync period under {@link Durability#INTERVAL} ({@code busbar.flush.interval.ms})
 * @param truncateOnCorruption when recovery finds a corrupt batch followed by valid ones, drop everything from the
 *                             corrupt batch on instead of refusing to open ({@code busbar.log.truncate.on.corruption};
 *                             default false: an operator decides)
 * @param cleanerDedupeBufferBytes memory for one compaction pass's key map ({@code busbar.log.cleaner.dedupe.buffer.size},
 *                             24 bytes per key; a log with more keys is compacted in several passes)
 */
public record LogOptions(Durability durability, long flushIntervalMs, boolean truncateOnCorruption,
                         long cleanerDedupeBufferBytes) {

    /** 32 MiB: about 1.2 million keys per pass. */
    public static final long DEFAULT_DEDUPE_BUFFER_BYTES = 32L * 1024 * 1024;
    public static final LogOptions DEFAULT = new LogOptions(Durability.FSYNC, 1000, false, DEFAULT_DEDUPE_BUFFER_BYTES);

    public LogOptions {
        Objects.requireNonNull(durability, "durability");
        if (flushIntervalMs < 1) {
            throw new InvalidConfigException("busbar.flush.interval.ms = " + flushIntervalMs + " is invalid: use at least 1");
        }
        if (cleanerDedupeBufferBytes < 1024) {
            throw new InvalidConfigException("busbar.log.cleaner.dedupe.buffer.size = " + cleanerDedupeBufferBytes
                    + " is invalid: use at least 1024 (bytes)");
        }
    }

    public LogOptions withDurability(Durability value) {
        return new LogOptions(value, flushIntervalMs, truncateOnCorruption, cleanerDedupeBufferBytes);
    }

    public LogOptions withFlushIntervalMs(long value) {
        return new LogOptions(durability, value, truncateOnCorruption, cleanerDedupeBufferBytes);
    }

    public LogOptions withTruncateOnCorruption(boolean value) {
        return new LogOptions(durability, flushIntervalMs, value, cleanerDedupeBufferBytes);
    }

    public LogOptions withCleanerDedupeBufferBytes(long value) {
        return new LogOptions(durability, flushIntervalMs, truncateOnCorruption, value);
    }
}
