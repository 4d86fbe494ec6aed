package io.busbar.connectors.http.server;

import io.busbar.bus.BusClosedException;
import io.busbar.bus.GroupNotEmptyException;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.InvalidTopicException;
import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.TopicExistsException;
import io.busbar.bus.UnknownGroupException;
import io.busbar.bus.UnknownTopicException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The one mapping from a failure to problem details, and the one way of writing them on a Camel HTTP exchange:
 * refusals keep their kind, the bus's exceptions get theirs (unknown topic 404, topic exists 409, bad input 400),
 * anything else is a 500 that is logged with its stack trace and answered with its message only. Stateless.
 */
public final class Problems {

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /** The problem details of a failure of the request at {@code instance} (its path). */
    public static ProblemDetails of(Throwable failure, String instance) {
        HttpProblem kind;
        if (failure instanceof HttpRequestRejectedException r) {
            return ProblemDetails.of(r, instance);
        } else if (failure instanceof UnknownTopicException) {
            kind = HttpProblem.UNKNOWN_TOPIC;
        } else if (failure instanceof UnknownGroupException) {
            kind = HttpProblem.UNKNOWN_GROUP;
        } else if (failure instanceof TopicExistsException || failure instanceof GroupNotEmptyException) {
            kind = HttpProblem.CONFLICT;
        } else if (failure instanceof InvalidTopicException || failure instanceof InvalidConfigException
                || failure instanceof RecordTooLargeException || failure instanceof OffsetOutOfRangeException
                || failure instanceof IllegalArgumentException) {
            kind = HttpProblem.BAD_REQUEST;
        } else if (failure instanceof BusClosedException) {
            kind = HttpProblem.UNAVAILABLE;
        } else {
            LOG.warn("HTTP request {} failed", instance, failure);
            return ProblemDetails.of(HttpProblem.SERVER_ERROR, failure.getClass().getSimpleName() + ": "
                    + failure.getMessage() + " (see the server log; retry if it was transient)", instance);
        }
        return ProblemDetails.of(kind, failure.getMessage(), instance);
    }

    /**
     * Writes the problem as the answer: status, {@code application/problem+json}, the body, replacing the request's
     * headers so none is echoed back. 401 adds {@code WWW-Authenticate}, 405 {@code Allow}, 503 {@code Retry-After}.
     */
    public static void write(Exchange exchange, ProblemDetails problem, int retryAfterSeconds) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        out.setHeader(Exchange.CONTENT_TYPE, ProblemDetails.CONTENT_TYPE);
        out.setHeader("Cache-Control", "no-store");
        if (problem.status() == 401) {
            out.setHeader("WWW-Authenticate", "Bearer realm=\"busbar\"");
        }
        if (problem.status() == 405 && problem.extensions().get("allow") instanceof List<?> allow) {
            out.setHeader("Allow", String.join(", ", allow.stream().map(Object::toString).toList()));
        }
        if (problem.status() == 503) {
            out.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        out.setBody(problem.toJson().toString());
    }
}
