package io.busbar.bus;

/** Another process holds the data directory's lock. */
public class DataDirectoryLockedException extends BusException {
    public DataDirectoryLockedException(String message) {
        super(message);
    }

    public DataDirectoryLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
