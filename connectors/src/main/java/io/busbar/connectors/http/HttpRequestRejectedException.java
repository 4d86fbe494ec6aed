package io.busbar.connectors.http;

/**
 * A request refused by an HTTP connector; {@link #problem()} says which kind of refusal (and so the status code),
 * the message names what was wrong and how to fix it. It becomes the JSON error body, never a stack trace.
 */
public class HttpRequestRejectedException extends RuntimeException {

    private final HttpProblem problem;

    public HttpRequestRejectedException(HttpProblem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public HttpProblem problem() {
        return problem;
    }
}
