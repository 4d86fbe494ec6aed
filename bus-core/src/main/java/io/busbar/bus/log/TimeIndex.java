package io.busbar.bus.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The sparse time index of one segment: entries (largest record timestamp so far, offset of the record holding it),
 * added with the offset index entries, so {@code offsetForTimestamp} can skip to the right part of a segment. The
 * entry for the segment's largest timestamp is always added when the segment stops being active, so the last entry
 * gives the segment's newest timestamp (used by retention). On disk in Kafka's layout: 12 bytes per entry (long
 * timestamp, int relative offset).
 *
 * <p>Invariant: timestamps and offsets strictly increase. Thread-safety as {@link OffsetIndex}: one appender,
 * concurrent readers.
 */
final class TimeIndex {
    static final int ENTRY_SIZE = 12;

    private record Entries(long[] timestamps, int[] relativeOffsets) {
    }

    private final long baseOffset;
    private volatile Entries entries = new Entries(new long[16], new int[16]);
    private volatile int count;

    TimeIndex(long baseOffset) {
        this.baseOffset = baseOffset;
    }

    int entries() {
        return count;
    }

    /** The largest timestamp indexed, or -1 when empty. */
    long lastTimestamp() {
        int n = count;
        return n == 0 ? -1 : entries.timestamps[n - 1];
    }

    /** Adds an entry when {@code timestamp} is newer than the last one and {@code offset} is past it. */
    void maybeAppend(long timestamp, long offset) {
        long relative = offset - baseOffset;
        if (timestamp < 0 || relative < 0 || relative > Integer.MAX_VALUE) {
            return;
        }
        int n = count;
        Entries e = entries;
        if (n > 0 && (e.timestamps[n - 1] >= timestamp || e.relativeOffsets[n - 1] >= relative)) {
            return;
        }
        if (n == e.timestamps.length) {
            e = new Entries(Arrays.copyOf(e.timestamps, n * 2), Arrays.copyOf(e.relativeOffsets, n * 2));
            e.timestamps[n] = timestamp;
            e.relativeOffsets[n] = (int) relative;
            entries = e;
        } else {
            e.timestamps[n] = timestamp;
            e.relativeOffsets[n] = (int) relative;
        }
        count = n + 1;
    }

    /**
     * The offset from which to look for the first record at or after {@code timestamp}: the offset of the last entry
     * whose timestamp is below it (every record up to that offset is older), else the segment base.
     */
    long lookup(long timestamp) {
        int n = count;
        Entries e = entries;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (e.timestamps[mid] < timestamp) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? baseOffset : baseOffset + e.relativeOffsets[found];
    }

    void clear() {
        entries = new Entries(new long[16], new int[16]);
        count = 0;
    }

    void writeTo(Path file) throws IOException {
        int n = count;
        Entries e = entries;
        ByteBuffer buffer = ByteBuffer.allocate(n * ENTRY_SIZE);
        for (int i = 0; i < n; i++) {
            buffer.putLong(e.timestamps[i]).putInt(e.relativeOffsets[i]);
        }
        buffer.flip();
        LogFiles.writeAndFsync(file, buffer);
    }

    /** Loads {@code file}; false (and an empty index) when missing or not strictly increasing, to be rebuilt. */
    boolean loadFrom(Path file, long nextOffset) throws IOException {
        clear();
        ByteBuffer buffer = LogFiles.readEntries(file, ENTRY_SIZE);
        if (buffer == null) {
            return false;
        }
        while (buffer.hasRemaining()) {
            long timestamp = buffer.getLong();
            int relative = buffer.getInt();
            int before = count;
            if (relative < 0 || baseOffset + relative >= nextOffset) {
                clear();
                return false;
            }
            maybeAppend(timestamp, baseOffset + relative);
            if (count == before) {
                clear();
                return false;
            }
        }
        return true;
    }
}
