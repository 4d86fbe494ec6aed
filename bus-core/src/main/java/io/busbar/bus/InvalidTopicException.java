package io.busbar.bus;

/** A topic name or topic setting is not valid. */
public class InvalidTopicException extends BusException {
    public InvalidTopicException(String message) {
        super(message);
    }

    public InvalidTopicException(String message, Throwable cause) {
        super(message, cause);
    }
}
