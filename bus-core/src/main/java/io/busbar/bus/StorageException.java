package io.busbar.bus;

/** The disk failed an operation (e.g. disk full); the log stays consistent and the operation can be retried. */
public class StorageException extends BusException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
