package io.busbar.routes.admin;

/** The request clashes with the current state, e.g. reading with a group that has live members (HTTP 409). */
public final class ConflictException extends AdminRequestException {

    public ConflictException(String message) {
        super(message);
    }

    @Override
    public int status() {
        return 409;
    }
}
