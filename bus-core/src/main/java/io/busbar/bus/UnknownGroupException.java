package io.busbar.bus;

/** The consumer group does not exist. */
public class UnknownGroupException extends BusException {
    public UnknownGroupException(String message) {
        super(message);
    }
}
