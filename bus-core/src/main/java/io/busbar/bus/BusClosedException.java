package io.busbar.bus;

/** The bus, producer or consumer has been closed. */
public class BusClosedException extends BusException {
    public BusClosedException(String message) {
        super(message);
    }

    public BusClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
