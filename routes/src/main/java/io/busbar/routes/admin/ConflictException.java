package io.busbar.routes.admin;

import io.busbar.connectors.http.server.HttpProblem;

/** The request clashes with the current state, e.g. reading with a group that has live members (HTTP 409). */
public final class ConflictException extends AdminRequestException {

    public ConflictException(String message) {
        super(HttpProblem.CONFLICT, message);
    }
}
