package io.busbar.bus;

/** Base of every error the bus reports. Subtypes name the kind of failure so callers need not parse messages. */
public class BusException extends RuntimeException {
    public BusException(String message) {
        super(message);
    }

    public BusException(String message, Throwable cause) {
        super(message, cause);
    }
}
