package io.busbar.routes.validate;

import java.util.ArrayList;
import java.util.List;

/**
 * One endpoint a pipeline file names, as written: its URI without the query, the parameters given (query and
 * {@code parameters:}), where it is and whether it consumes. Immutable.
 *
 * @param base       the URI without its query, e.g. {@code kamelet:file-source} or {@code bus:orders}
 * @param parameters the parameters given, in file order
 * @param line       1-based line of the URI
 * @param routeId    the route's id, or null when it has none
 * @param consumer   true for a route's {@code from}
 * @param partial    true when only the start of the URI is known (Java code that concatenates the rest): its last
 *                   value goes on elsewhere and required parameters may come later
 */
record EndpointUse(String base, List<Parameter> parameters, int line, String routeId, boolean consumer, boolean partial) {

    /** A given parameter: name, value (null when not a plain value) and line. */
    record Parameter(String name, String value, int line) {
    }

    EndpointUse {
        parameters = List.copyOf(parameters);
    }

    /** The URI without its query: {@code bus:in} for {@code bus:in?groupId=g}. */
    static String base(String uri) {
        int query = uri.indexOf('?');
        return query >= 0 ? uri.substring(0, query) : uri;
    }

    /** The parameters in the URI's query, all on {@code line}. */
    static List<Parameter> queryParameters(String uri, int line) {
        List<Parameter> given = new ArrayList<>();
        int query = uri.indexOf('?');
        if (query >= 0) {
            for (String pair : uri.substring(query + 1).split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    given.add(new Parameter(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1), line));
                }
            }
        }
        return given;
    }
}
