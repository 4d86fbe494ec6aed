package io.busbar.connectors.http.server;

import java.util.List;

/**
 * Who made a request: the name of the token it presented and that token's scopes. Immutable.
 *
 * @param name   the token's name ({@code busbar tokens list}), or the setting a plain token came from
 * @param scopes what the token allows
 */
public record Principal(String name, List<Scope> scopes) {

    /**
     * Every request when no token is configured at all: only allowed on loopback listeners (the secure-by-default
     * rule refuses to start a listener beyond loopback without tokens).
     */
    public static final Principal LOOPBACK_WITHOUT_TOKENS = new Principal("anonymous (no token configured)",
            List.of(Scope.ADMIN));

    public Principal {
        scopes = List.copyOf(scopes);
    }

    public boolean allows(Scope needed) {
        for (Scope s : scopes) {
            if (s.allows(needed)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this principal may read the topic (for lists that show only what the token may see). */
    public boolean mayRead(String topic) {
        return allows(Scope.on(Scope.Kind.READ, topic));
    }
}
