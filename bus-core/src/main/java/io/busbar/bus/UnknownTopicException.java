package io.busbar.bus;

/** The topic does not exist (and auto-creation is off). */
public class UnknownTopicException extends BusException {
    public UnknownTopicException(String message) {
        super(message);
    }

    public UnknownTopicException(String message, Throwable cause) {
        super(message, cause);
    }
}
