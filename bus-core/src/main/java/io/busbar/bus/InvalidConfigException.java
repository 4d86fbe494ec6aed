package io.busbar.bus;

/** A configuration key is unknown or its value is invalid. */
public class InvalidConfigException extends BusException {
    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
