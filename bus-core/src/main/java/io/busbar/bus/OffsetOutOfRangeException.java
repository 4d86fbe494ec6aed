package io.busbar.bus;

/** A read asked for an offset below the log start or past the log end. */
public class OffsetOutOfRangeException extends BusException {
    public OffsetOutOfRangeException(String message) {
        super(message);
    }

    public OffsetOutOfRangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
