package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.Map;

/**
 * One call of the admin API, independent of HTTP: the CLI's {@code --data-dir} mode builds these in-process, the HTTP
 * server builds them from an exchange. Immutable.
 *
 * @param method     GET, POST or DELETE
 * @param path       e.g. {@code /api/topics/orders}
 * @param query      query parameters (the first value of each)
 * @param body       the JSON body, or {@link NullNode} when there is none
 * @param pathParams filled by the router: {@code {name}} segments of the matched route
 */
public record ApiRequest(String method, String path, Map<String, String> query, JsonNode body,
                         Map<String, String> pathParams) {

    public ApiRequest {
        query = Map.copyOf(query);
        body = body == null ? NullNode.getInstance() : body;
        pathParams = Map.copyOf(pathParams);
    }

    public static ApiRequest of(String method, String path, Map<String, String> query, JsonNode body) {
        return new ApiRequest(method, path, query, body, Map.of());
    }

    ApiRequest withPathParams(Map<String, String> params) {
        return new ApiRequest(method, path, query, body, params);
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** A query parameter, or the default when absent or blank. */
    public String query(String name, String defaultValue) {
        String v = query.get(name);
        return v == null || v.isBlank() ? defaultValue : v;
    }

    /** An integer query parameter within bounds, else {@link InvalidRequestException} naming it. */
    public Integer queryInt(String name, Integer defaultValue, int min, int max) {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        return InvalidRequestException.parseBounded(name, v, min, max).intValue();
    }

    public Long queryLong(String name, Long defaultValue, long min) {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        return InvalidRequestException.parseBounded(name, v, min, Long.MAX_VALUE);
    }
}
