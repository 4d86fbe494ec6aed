package io.busbar.routes.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code kamelet:} and {@code bus:} endpoints of a Java DSL source: its string literals that start so. Without
 * compiling the file, the route is the first {@code .routeId("...")} after the URI, and a URI directly inside
 * {@code from(} consumes.
 */
final class JavaEndpoints {

    private static final Pattern ENDPOINT = Pattern.compile("\"((?:kamelet|bus):[^\"\\s]*)\"");
    private static final Pattern ROUTE_ID = Pattern.compile("\\.routeId\\(\\s*\"([^\"]+)\"");
    private static final Pattern FROM = Pattern.compile("\\bfrom\\(\\s*$");

    private JavaEndpoints() {
    }

    static List<EndpointUse> of(String source) {
        List<EndpointUse> found = new ArrayList<>();
        Matcher m = ENDPOINT.matcher(source);
        while (m.find()) {
            int line = 1 + (int) source.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            String uri = m.group(1);
            List<EndpointUse.Parameter> given = new ArrayList<>(EndpointUse.queryParameters(uri, line));
            // "kamelet:x?a=" + value + "&b=...": only the start is known; its last value goes on in the code
            boolean partial = source.substring(m.end()).stripLeading().startsWith("+");
            if (partial && !given.isEmpty()) {
                EndpointUse.Parameter last = given.remove(given.size() - 1);
                given.add(new EndpointUse.Parameter(last.name(), null, last.line()));
            }
            boolean consumer = FROM.matcher(source.substring(Math.max(0, m.start() - 40), m.start())).find();
            found.add(new EndpointUse(EndpointUse.base(uri), given, line, routeId(source, m.end()), consumer, partial));
        }
        return found;
    }

    /** The first {@code .routeId("...")} after a URI, before the next {@code from(}. */
    private static String routeId(String source, int from) {
        int next = source.indexOf("from(", from);
        Matcher id = ROUTE_ID.matcher(source);
        id.region(from, next < 0 ? source.length() : next);
        return id.find() ? id.group(1) : null;
    }
}
