package io.busbar.connectors.bus;

import org.apache.camel.support.DefaultHeaderFilterStrategy;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which exchange headers become record headers (out) and which record headers become exchange headers (in).
 *
 * <p>Only the user's own headers travel. Out: Camel's internal headers ({@code Camel*}, {@code org.apache.camel.*}),
 * this component's own ({@code bus.*}) and HTTP transport headers are dropped. In: Camel's internal headers are
 * dropped, so a record cannot steer a later endpoint (a {@code CamelFileName} header in a record must not choose the
 * file a route writes). Every match ignores case: CVE-2025-27636 came from a case-sensitive filter that let
 * {@code CAmelExecCommandExecutable} through. Thread-safe once configured.
 */
public class BusHeaderFilterStrategy extends DefaultHeaderFilterStrategy {

    /** Camel's internal headers, any case. */
    static final Pattern CAMEL_HEADERS = Pattern.compile("(?i)(camel|org\\.apache\\.camel\\.).*");

    /** Camel's internal headers and this component's own, any case. */
    static final Pattern CAMEL_AND_BUS_HEADERS = Pattern.compile("(?i)(camel|org\\.apache\\.camel\\.|bus\\.).*");

    /** Transport headers of HTTP (hop-by-hop and framing), lower case; compared lower-cased. */
    static final Set<String> TRANSPORT_HEADERS = Set.of("content-length", "content-encoding", "transfer-encoding",
            "host", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
            "upgrade", "expect", "accept-encoding", "cookie", "set-cookie", "authorization");

    public BusHeaderFilterStrategy() {
        setLowerCase(true);
        setOutFilterPattern(CAMEL_AND_BUS_HEADERS);
        setOutFilter(TRANSPORT_HEADERS);
        setInFilterPattern(CAMEL_HEADERS);
    }
}
