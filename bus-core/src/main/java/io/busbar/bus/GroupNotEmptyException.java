package io.busbar.bus;

/** The group has active members, so the operation (reset, delete) is refused. */
public class GroupNotEmptyException extends BusException {
    public GroupNotEmptyException(String message) {
        super(message);
    }

    public GroupNotEmptyException(String message, Throwable cause) {
        super(message, cause);
    }
}
