package io.busbar.connectors.http.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The routing table of Busbar's HTTP endpoints: method + path pattern ({@code /api/topics/{topic}}) → what the
 * endpoint needs ({@link Access}) and its handler. Matching is by whole segments; {@code {name}} segments become
 * path parameters (URL-decoded, never empty); a trailing slash is ignored when the path has no route of its own.
 * An unknown path is 404, a known path with another method 405, both as {@link HttpRequestRejectedException}s.
 * The same table serves the HTTP listeners and the CLI's in-process mode. Thread-safe: routes may be added while
 * requests are matched.
 *
 * @param <H> the handler type
 */
public final class HttpRouter<H> {

    /** One endpoint. */
    public record Route<H>(String method, String pattern, Access access, H handler) {
        String[] segments() {
            return pattern.substring(1).split("/", -1);
        }
    }

    /** A matched route and its path parameters. */
    public record Match<H>(Route<H> route, Map<String, String> params) { }

    private final List<Route<H>> routes = new CopyOnWriteArrayList<>();

    /** Adds an endpoint; the pattern starts with {@code /}. A second route for the same method and pattern is refused. */
    public HttpRouter<H> add(String method, String pattern, Access access, H handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("Route pattern '" + pattern + "' must start with '/'");
        }
        String m = method.toUpperCase(Locale.ROOT);
        for (Route<H> r : routes) {
            if (r.method().equals(m) && r.pattern().equals(pattern)) {
                throw new IllegalArgumentException("Route " + m + " " + pattern + " is registered twice");
            }
        }
        routes.add(new Route<>(m, pattern, access, handler));
        return this;
    }

    /** Adds every route of another table (e.g. the admin API's and the ingest's on one listener). */
    public HttpRouter<H> addAll(HttpRouter<H> other) {
        other.routes.forEach(r -> add(r.method(), r.pattern(), r.access(), r.handler()));
        return this;
    }

    /** Removes the routes another table added (a service leaving a shared listener). */
    public HttpRouter<H> removeAll(HttpRouter<H> other) {
        routes.removeIf(r -> other.routes.stream().anyMatch(o -> o.method().equals(r.method()) && o.pattern().equals(r.pattern())));
        return this;
    }

    public List<Route<H>> routes() {
        return List.copyOf(routes);
    }

    /**
     * The route of a request path (without query), or 404 / 405 naming what exists.
     *
     * @throws HttpRequestRejectedException NOT_FOUND or METHOD_NOT_ALLOWED
     */
    public Match<H> match(String method, String path) {
        Match<H> m = tryMatch(method, path);
        if (m == null && path.length() > 1 && path.endsWith("/")) {
            m = tryMatch(method, path.replaceAll("/+$", ""));
        }
        if (m != null) {
            return m;
        }
        throw new HttpRequestRejectedException(HttpProblem.NOT_FOUND, "No endpoint at " + path
                + ": see /openapi.yaml for the admin API, docs/connectors/http-source.md for /topics and /groups");
    }

    private Match<H> tryMatch(String method, String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        TreeSet<String> allowed = new TreeSet<>();
        for (Route<H> route : routes) {
            Map<String, String> params = match(route.segments(), parts);
            if (params == null) {
                continue;
            }
            if (route.method().equalsIgnoreCase(method)) {
                return new Match<>(route, params);
            }
            allowed.add(route.method());
        }
        if (!allowed.isEmpty()) {
            throw new HttpRequestRejectedException(HttpProblem.METHOD_NOT_ALLOWED, "Method " + method
                    + " is not allowed on " + path + ": use " + String.join(" or ", allowed),
                    Map.of("allow", new ArrayList<>(allowed)));
        }
        return null;
    }

    private static Map<String, String> match(String[] pattern, String[] parts) {
        if (pattern.length != parts.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                String value = URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8);
                if (value.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), value);
            } else if (!p.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }
}
