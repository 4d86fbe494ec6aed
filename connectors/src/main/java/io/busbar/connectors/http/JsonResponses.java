package io.busbar.connectors.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writes JSON answers on a Camel HTTP exchange: the status code, {@code Content-Type: application/json} and the
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

    static void error(Exchange exchange, HttpRequestRejectedException rejection, int retryAfterSeconds) {
        HttpProblem problem = rejection.problem();
        ObjectNode body = MAPPER.createObjectNode();
        body.put("status", problem.status());
        body.put("error", problem.code());
        body.put("message", rejection.getMessage());
        ok(exchange, problem.status(), body);
        if (problem == HttpProblem.OVERLOADED) {
            exchange.getMessage().setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        if (problem == HttpProblem.UNAUTHORIZED) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"busbar\"");
        }
    }

    static String write(Object body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON answer: " + e.getMessage(), e);
        }
    }
}
