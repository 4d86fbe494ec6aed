package io.busbar.connectors.http.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.TreeMap;

/**
 * An RFC 9457 problem details answer ({@code application/problem+json}): {@code type}, {@code title},
 * {@code status}, {@code detail} (what was wrong and the fix) and {@code instance} (the request path), plus
 * extension members such as {@code scope}. Every error of every Busbar HTTP endpoint has this shape. Immutable.
 */
public record ProblemDetails(String type, String title, int status, String detail, String instance,
                             Map<String, Object> extensions) {

    public static final String CONTENT_TYPE = "application/problem+json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ProblemDetails {
        extensions = extensions == null ? Map.of() : Map.copyOf(new TreeMap<>(extensions));
    }

    public static ProblemDetails of(HttpProblem problem, String detail, String instance) {
        return new ProblemDetails(problem.type(), problem.title(), problem.status(), detail, instance, Map.of());
    }

    public static ProblemDetails of(HttpRequestRejectedException rejection, String instance) {
        HttpProblem p = rejection.problem();
        return new ProblemDetails(p.type(), p.title(), p.status(), rejection.getMessage(), instance, rejection.extensions());
    }

    /** The JSON object; the five standard members first, extensions after (never overriding them). */
    public ObjectNode toJson() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", type).put("title", title).put("status", status).put("detail", detail);
        if (instance != null) {
            node.put("instance", instance);
        }
        extensions.forEach((k, v) -> {
            if (!node.has(k)) {
                node.set(k, MAPPER.valueToTree(v));
            }
        });
        return node;
    }
}
