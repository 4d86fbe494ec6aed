package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * How a CLI command reaches the admin API: over HTTP to a running runtime, or in-process on a stopped data
 * directory. Both answer with the same JSON. Not thread-safe; one per command run.
 */
interface AdminClient extends AutoCloseable {

    /**
     * Calls the API; returns the JSON body (a missing node for 204).
     *
     * @throws AdminCallException with the API's error message for any status >= 400
     */
    JsonNode call(String method, String path, Map<String, String> query, JsonNode body);

    default JsonNode get(String path, Map<String, String> query) {
        return call("GET", path, query, null);
    }

    /** Where the calls go, for messages: a URL or a data directory. */
    String target();

    @Override
    void close();
}
