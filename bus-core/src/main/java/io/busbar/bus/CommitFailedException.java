package io.busbar.bus;

/** A commit was refused: the member is stale (old generation) or no longer in the group. */
public class CommitFailedException extends BusException {
    public CommitFailedException(String message) {
        super(message);
    }

    public CommitFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
