package io.busbar.bus;

/** No committed offset and auto.offset.reset is none. */
public class NoOffsetForPartitionException extends BusException {
    public NoOffsetForPartitionException(String message) {
        super(message);
    }

    public NoOffsetForPartitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
