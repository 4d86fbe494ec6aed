package io.busbar.bus.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The sparse offset index of one segment: entries (offset relative to the segment base, byte position of the batch
 * holding it), one per {@code index.interval.bytes} of log, so a read finds its batch with a binary search and a
 * short scan. On disk in Kafka's layout: 8 bytes per entry, two big-endian ints.
 *
 * <p>Kept in memory (8 bytes per ~4 KiB of log) and written to its file when the segment stops being active or the
 * log closes; a crash before that is covered by recovery, which rebuilds the index of every segment it scans.
 * Invariant: offsets and positions strictly increase.
 *
 * <p>Thread-safety: one appender (the log's append lock) and any number of concurrent readers. Entries are
 * published by a volatile count written after the entry, so readers see only complete entries.
 */
final class OffsetIndex {
    static final int ENTRY_SIZE = 8;

    private final long baseOffset;
    private volatile long[] entries = new long[16]; // (relativeOffset << 32) | position
    private volatile int count;

    OffsetIndex(long baseOffset) {
        this.baseOffset = baseOffset;
    }

    int entries() {
        return count;
    }

    long lastOffset() {
        int n = count;
        return n == 0 ? baseOffset : baseOffset + relativeOffset(entries[n - 1]);
    }

    int lastPosition() {
        int n = count;
        return n == 0 ? 0 : position(entries[n - 1]);
    }

    /** Adds an entry; ignored unless it is past the last one (the index stays strictly increasing). */
    void append(long offset, int position) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " is outside the segment at " + baseOffset);
        }
        int n = count;
        long[] current = entries;
        if (n > 0 && (relativeOffset(current[n - 1]) >= relative || position(current[n - 1]) >= position)) {
            return;
        }
        if (n == current.length) {
            current = Arrays.copyOf(current, n * 2);
            current[n] = (relative << 32) | (position & 0xFFFFFFFFL);
            entries = current;
        } else {
            current[n] = (relative << 32) | (position & 0xFFFFFFFFL);
        }
        count = n + 1;
    }

    /** Byte position from which to scan for {@code offset}: that of the last entry at or before it, else 0. */
    int lookup(long offset) {
        int n = count;
        long[] e = entries;
        long relative = offset - baseOffset;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (relativeOffset(e[mid]) <= relative) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : position(e[found]);
    }

    void clear() {
        entries = new long[16];
        count = 0;
    }

    void writeTo(Path file) throws IOException {
        int n = count;
        long[] e = entries;
        ByteBuffer buffer = ByteBuffer.allocate(n * ENTRY_SIZE);
        for (int i = 0; i < n; i++) {
            buffer.putInt(relativeOffset(e[i])).putInt(position(e[i]));
        }
        buffer.flip();
        LogFiles.writeAndFsync(file, buffer);
    }

    /**
     * Loads the entries of {@code file}; false (and an empty index) when the file is missing or fails the sanity
     * check (wrong size, entries not increasing, a position past {@code logSize}), so the caller rebuilds it.
     */
    boolean loadFrom(Path file, int logSize) throws IOException {
        clear();
        ByteBuffer buffer = LogFiles.readEntries(file, ENTRY_SIZE);
        if (buffer == null) {
            return false;
        }
        while (buffer.hasRemaining()) {
            int relative = buffer.getInt();
            int position = buffer.getInt();
            int before = count;
            if (relative < 0 || position < 0 || position >= logSize) {
                clear();
                return false;
            }
            append(baseOffset + relative, position);
            if (count == before) {
                clear();
                return false;
            }
        }
        return true;
    }

    private static int relativeOffset(long entry) {
        return (int) (entry >>> 32);
    }

    private static int position(long entry) {
        return (int) entry;
    }
}
