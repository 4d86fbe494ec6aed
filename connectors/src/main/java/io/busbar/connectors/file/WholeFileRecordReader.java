package io.busbar.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a whole file as one {@link RecordFormat#WHOLE} record, its bytes unchanged, keyed by the file name. Refuses files larger than
 * {@code maxRecordBytes} (one record must fit the topic's {@code max.message.bytes}). Not thread-safe.
 */
final class WholeFileRecordReader implements FileRecordReader {

    private final Path file;
    private final int maxRecordBytes;
    private boolean done;

    WholeFileRecordReader(Path file, int maxRecordBytes, long startPosition) {
        this.file = file;
        this.maxRecordBytes = maxRecordBytes;
        this.done = startPosition > 0;
    }

    @Override
    public ParsedRecord next() throws IOException {
        if (done) {
            return null;
        }
        done = true;
        long size = Files.size(file);
        if (size > maxRecordBytes) {
            throw new FileParseException(file.getFileName() + " is " + size + " bytes, more than maxRecordBytes ("
                    + maxRecordBytes + ") for format=whole: use format=lines/csv/jsonl, or raise maxRecordBytes and"
                    + " the topic's max.message.bytes");
        }
        byte[] bytes = Files.readAllBytes(file);
        byte[] key = file.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new ParsedRecord(1, 1, key, bytes, bytes.length, null, null);
    }

    @Override
    public void close() {
    }
}
