package io.busbar.connectors.file;

/**
 * How far a file has been read into the topic: every record before {@code position} is durable. The position is
 * a byte offset: in the file for lines, jsonl, whole files and UTF-8 CSV, in the UTF-8 re-encoding of the text for
 * CSV in another charset (see {@link CsvRecordReader}). A file is identified by its path and by {@code size} and
 * {@code mtime}; a file that changed since is read from the start.
 *
 * @param complete every record of the file is durable; only moving it to the done folder is left
 * @param unit     {@link #BYTES}; absent (null) in positions stored by versions whose CSV positions counted
 *                 characters, which the CSV reader converts on resume
 */
public record FilePosition(long size, long mtime, long position, long lines, long records, boolean complete, String unit) {

    /** The unit of every position written now. */
    public static final String BYTES = "bytes";

    public FilePosition(long size, long mtime, long position, long lines, long records, boolean complete) {
        this(size, mtime, position, lines, records, complete, BYTES);
    }

    /** Whether this position belongs to the file as it is now. */
    public boolean matches(long currentSize, long currentMtime) {
        return size == currentSize && mtime == currentMtime;
    }
}
