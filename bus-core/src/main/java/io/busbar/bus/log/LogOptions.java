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
 */
public record LogOptions(Durability durability, long flushIntervalMs, boolean truncateOnCorruption) {

    public static final LogOptions DEFAULT = new LogOptions(Durability.FSYNC, 1000, false);

    public LogOptions {
        Objects.requireNonNull(durability, "durability");
        if (flushIntervalMs < 1) {
            throw new InvalidConfigException("busbar.flush.interval.ms = " + flushIntervalMs + " is invalid: use at least 1");
        }
    }

    public LogOptions withDurability(Durability value) {
        return new LogOptions(value, flushIntervalMs, truncateOnCorruption);
    }

    public LogOptions withFlushIntervalMs(long value) {
        return new LogOptions(durability, value, truncateOnCorruption);
    }

    public LogOptions withTruncateOnCorruption(boolean value) {
        return new LogOptions(durability, flushIntervalMs, value);
    }
}
