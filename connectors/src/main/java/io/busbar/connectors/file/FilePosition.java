package io.busbar.connectors.file;

/**
 * How far a file has been read into the topic: every record before {@code position} is durable. The position is
 * a byte offset for lines, jsonl and whole files, a character offset for CSV (see {@link CsvRecordReader}). A file is
 * identified by its path and by {@code size} and {@code mtime}; a file that changed since is read from the start.
 *
 * @param complete every record of the file is durable; only moving it to the done folder is left
 */
public record FilePosition(long size, long mtime, long position, long lines, long records, boolean complete) {

    /** Whether this position belongs to the file as it is now. */
    public boolean matches(long currentSize, long currentMtime) {
        return size == currentSize && mtime == currentMtime;
    }
}
