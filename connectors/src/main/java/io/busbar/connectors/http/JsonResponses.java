package io.busbar.connectors.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.connectors.http.server.HttpRequestRejectedException;
import io.busbar.connectors.http.server.Problems;
import io.busbar.connectors.http.server.ProblemDetails;
import io.busbar.connectors.http.server.RouterProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writes JSON answers (and refusals as problem details) on a Camel HTTP exchange: the status code, {@code Content-Type: application/json} and the
 * body, replacing the request's headers so that no request header (or Camel internal) is echoed back.
 * Thread-safe (the shared {@link ObjectMapper} is).
 */
final class JsonResponses {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String APPLICATION_JSON = "application/json";

    private JsonResponses() {
    }

    static void ok(Exchange exchange, int status, Object body) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, APPLICATION_JSON);
        out.setBody(write(body));
    }

    /** A refusal as problem details ({@code application/problem+json}), with {@code instance} the request path. */
    static void error(Exchange exchange, HttpRequestRejectedException rejection, int retryAfterSeconds) {
        Problems.write(exchange, ProblemDetails.of(rejection, RouterProcessor.path(exchange)), retryAfterSeconds);
    }

    static String write(Object body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON answer: " + e.getMessage(), e);
        }
    }
}
