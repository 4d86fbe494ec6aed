package io.busbar.routes.admin;

import io.busbar.connectors.http.server.HttpProblem;
import io.busbar.connectors.http.server.HttpRequestRejectedException;

/**
 * A request the admin API refuses; the subtype says why and carries the kind of problem (and so the HTTP status).
 * Messages name the thing and the fix. Answered as problem details like every other HTTP refusal.
 */
public abstract class AdminRequestException extends HttpRequestRejectedException {

    protected AdminRequestException(HttpProblem problem, String message) {
        super(problem, message);
    }

    /** The HTTP status this failure is answered with. */
    public int status() {
        return problem().status();
    }
}
