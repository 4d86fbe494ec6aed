package io.busbar.routes.admin;

/**
 * A request the admin API refuses; the subtype says why and carries the HTTP status. Messages name the thing and the fix.
 */
public abstract class AdminRequestException extends RuntimeException {

    protected AdminRequestException(String message) {
        super(message);
    }

    /** The HTTP status this failure is answered with. */
    public abstract int status();
}
