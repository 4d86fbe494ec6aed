package io.busbar.bus;

/** A topic with that name already exists. */
public class TopicExistsException extends BusException {
    public TopicExistsException(String message) {
        super(message);
    }

    public TopicExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
