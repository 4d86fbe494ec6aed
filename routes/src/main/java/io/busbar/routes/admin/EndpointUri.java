package io.busbar.routes.admin;

import org.apache.camel.CamelContext;
import org.apache.camel.util.URISupport;

import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An endpoint URI of a pipeline as the console shows it: scheme, path and parameters with every {@code {{...}}}
 * placeholder resolved through Camel's property resolution (the values the pipeline really uses), and secrets
 * masked (Camel's URI sanitizer: password, token, secret... parameters; plus the user info of a URL). A placeholder
 * that does not resolve is shown as {@code <unresolved name>}, never as raw {@code {{...}}}.
 */
record EndpointUri(String scheme, String path, Map<String, String> params) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.+?)}}");
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@?#\\s]+@");

    static EndpointUri parse(CamelContext camel, String raw) {
        if (raw == null) {
            return new EndpointUri("", "", Map.of());
        }
        int colon = raw.indexOf(':');
        String scheme = colon < 0 ? raw : raw.substring(0, colon);
        String rest = colon < 0 ? "" : raw.substring(colon + 1);
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        if (path.startsWith("//")) {
            path = path.substring(2);
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (q >= 0) {
            try {
                URISupport.parseQuery(rest.substring(q + 1), true).forEach((k, v) ->
                        params.put(k, resolve(camel, String.valueOf(v))));
            } catch (URISyntaxException e) {
                params.put("query", resolve(camel, rest.substring(q + 1)));
            }
        }
        return new EndpointUri(scheme, resolve(camel, path), Collections.unmodifiableMap(params));
    }

    /** Resolves each placeholder on its own, so one missing setting does not hide the others. */
    static String resolve(CamelContext camel, String text) {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            try {
                value = camel.resolvePropertyPlaceholders(m.group());
            } catch (RuntimeException missing) {
                value = "<unresolved " + m.group(1) + ">";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    String param(String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** A URL or JDBC URL fit for display: no user info, no secret parameters. */
    static String masked(String url) {
        if (url == null) {
            return null;
        }
        return URISupport.sanitizeUri(USER_INFO.matcher(url).replaceFirst("****@"));
    }

    /** {@code scheme:path?k=v...}, resolved and masked. */
    String display() {
        StringBuilder s = new StringBuilder(scheme).append(':').append(path);
        String sep = "?";
        for (Map.Entry<String, String> e : params.entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = "&";
        }
        return masked(s.toString());
    }

    /** {@code scheme:path}, resolved and masked: the endpoint without its options. */
    String shortDisplay() {
        return masked(scheme + ":" + path);
    }
}
