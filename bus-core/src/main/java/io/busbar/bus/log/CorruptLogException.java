package io.busbar.bus.log;

import io.busbar.bus.BusException;

import java.nio.file.Path;

/**
 * Recovery found a record batch that fails its checks with valid batches after it: the damage is in the middle of
 * the log, not a torn tail left by a crash, so the log refuses to open rather than silently drop acknowledged
 * records. Names the segment file, the byte position and the offset after which records would be lost.
 */
public class CorruptLogException extends BusException {
    private final Path file;
    private final long position;
    private final long firstLostOffset;

    public CorruptLogException(Path file, long position, long firstLostOffset, String detail) {
        super("Log segment " + file + " is corrupt at byte position " + position + " (offset " + firstLostOffset
                + " and later): " + detail + ". Valid record batches follow the damaged one, so this is not a torn "
                + "tail from a crash. Restore the partition directory from a backup, or reopen with "
                + "truncateOnCorruption (busbar.log.truncate.on.corruption=true) to drop offsets " + firstLostOffset
                + " and later");
        this.file = file;
        this.position = position;
        this.firstLostOffset = firstLostOffset;
    }

    /** The damaged segment file. */
    public Path file() {
        return file;
    }

    /** Byte position of the first damaged batch in {@link #file()}. */
    public long position() {
        return position;
    }

    /** The first offset that truncating would drop. */
    public long firstLostOffset() {
        return firstLostOffset;
    }
}
