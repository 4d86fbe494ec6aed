package io.busbar.connectors.file;

/**
 * A file cannot be read as the configured format (e.g. an unterminated quote, a line longer than the limit, a
 * malformed record when {@code onMalformed=fail}). The file goes to the error folder with this message as reason.
 */
public class FileParseException extends RuntimeException {
    public FileParseException(String message) {
        super(message);
    }

    public FileParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
