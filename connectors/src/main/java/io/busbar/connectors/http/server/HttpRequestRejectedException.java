package io.busbar.connectors.http.server;

import java.util.Map;

/**
 * A request refused by a Busbar HTTP endpoint; {@link #problem()} says which kind of refusal (and so the status),
 * the message names what was wrong and how to fix it, and {@link #extensions()} carries extra problem members
 * (e.g. the missing {@code scope} of a 403). It becomes problem details, never a stack trace.
 */
public class HttpRequestRejectedException extends RuntimeException {

    private final HttpProblem problem;
    private final Map<String, Object> extensions;

    public HttpRequestRejectedException(HttpProblem problem, String message) {
        this(problem, message, Map.of());
    }

    public HttpRequestRejectedException(HttpProblem problem, String message, Map<String, Object> extensions) {
        super(message);
        this.problem = problem;
        this.extensions = Map.copyOf(extensions);
    }

    public HttpProblem problem() {
        return problem;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
