package io.busbar.connectors.file;

import java.io.IOException;

/**
 * Streams the records of one file, starting at a byte position where a record starts. Implementations hold a
 * bounded buffer, never the whole file. Not thread-safe.
 */
public interface FileRecordReader extends AutoCloseable {

    /** The next record, or null at the end of the file. Throws {@link FileParseException} when the file cannot go on. */
    ParsedRecord next() throws IOException;

    @Override
    void close() throws IOException;
}
