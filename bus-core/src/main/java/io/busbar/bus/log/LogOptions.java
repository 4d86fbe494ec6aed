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
 * @param preallocateBytes     under {@link Durability#FSYNC}, how far ahead of the active segment's end a background
 *                             thread keeps the file zero-filled and fsynced ({@code busbar.log.preallocate.bytes}; 0, the
 *                             default, is off; 8 MiB is a good value): an fdatasync of data written over zeros the disk
 *                             already holds has no file size or block map to commit ({@link SegmentPreallocation})
 */
public record LogOptions(Durability durability, long flushIntervalMs, boolean truncateOnCorruption,
                         long cleanerDedupeBufferBytes, int preallocateBytes) {

    /** 32 MiB: about 1.2 million keys per pass. */
    public static final long DEFAULT_DEDUPE_BUFFER_BYTES = 32L * 1024 * 1024;
    /**
     * Off: on the benchmark machine 8 MiB cut the broker's CPU per produced record by about a tenth and made the group
     * commit's fdatasyncs faster, but the disk wrote 1.8 times the bytes (the zeros, then the records over them): a
     * trade for the operator to choose. See docs/storage.md.
     */
    public static final int DEFAULT_PREALLOCATE_BYTES = 0;
    /** The smallest non-zero {@code busbar.log.preallocate.bytes}. */
    public static final int MIN_PREALLOCATE_BYTES = 512;
    public static final LogOptions DEFAULT = new LogOptions(Durability.FSYNC, 1000, false, DEFAULT_DEDUPE_BUFFER_BYTES,
            DEFAULT_PREALLOCATE_BYTES);

    public LogOptions {
        Objects.requireNonNull(durability, "durability");
        if (flushIntervalMs < 1) {
            throw new InvalidConfigException("busbar.flush.interval.ms = " + flushIntervalMs + " is invalid: use at least 1");
        }
        if (cleanerDedupeBufferBytes < 1024) {
            throw new InvalidConfigException("busbar.log.cleaner.dedupe.buffer.size = " + cleanerDedupeBufferBytes
                    + " is invalid: use at least 1024 (bytes)");
        }
        requireValidPreallocateBytes(preallocateBytes);
    }

    /** Refuses a {@code busbar.log.preallocate.bytes} other than 0 or at least {@link #MIN_PREALLOCATE_BYTES}. */
    public static void requireValidPreallocateBytes(int value) {
        if (value != 0 && value < MIN_PREALLOCATE_BYTES) {
            throw new InvalidConfigException("busbar.log.preallocate.bytes = " + value + " is invalid: use 0 (off) or at "
                    + "least " + MIN_PREALLOCATE_BYTES + " (bytes)");
        }
    }

    public LogOptions withDurability(Durability value) {
        return new LogOptions(value, flushIntervalMs, truncateOnCorruption, cleanerDedupeBufferBytes, preallocateBytes);
    }

    public LogOptions withFlushIntervalMs(long value) {
        return new LogOptions(durability, value, truncateOnCorruption, cleanerDedupeBufferBytes, preallocateBytes);
    }

    public LogOptions withTruncateOnCorruption(boolean value) {
        return new LogOptions(durability, flushIntervalMs, value, cleanerDedupeBufferBytes, preallocateBytes);
    }

    public LogOptions withCleanerDedupeBufferBytes(long value) {
        return new LogOptions(durability, flushIntervalMs, truncateOnCorruption, value, preallocateBytes);
    }

    public LogOptions withPreallocateBytes(int value) {
        return new LogOptions(durability, flushIntervalMs, truncateOnCorruption, cleanerDedupeBufferBytes, value);
    }
}
