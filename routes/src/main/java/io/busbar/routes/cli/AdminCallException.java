package io.busbar.routes.cli;

/** The admin API refused a call, or could not be reached; the message is the API's own (it names the fix). */
final class AdminCallException extends RuntimeException {

    private final int status;

    AdminCallException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when the API could not be reached. */
    int status() {
        return status;
    }
}
