package io.busbar.connectors.file;

/**
 * The bus refused or failed records of a file (not a problem of the file itself): the file stays where it is and
 * is resumed from its last stored position when Camel picks it up again.
 */
public class FileSourceException extends RuntimeException {
    public FileSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
