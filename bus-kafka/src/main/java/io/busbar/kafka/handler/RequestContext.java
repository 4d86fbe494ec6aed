package io.busbar.kafka.handler;

import io.busbar.kafka.security.Session;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What a handler knows about the request besides its body: version, client, the connection's security
 * {@link Session} (principal, SASL state), and a scheduler for timeouts (the connection's executor; tasks must not
 * block). Immutable.
 */
public record RequestContext(short apiVersion, int correlationId, String clientId, String clientHost,
                             ScheduledExecutorService scheduler, Session session) {

    /** A context of an anonymous PLAINTEXT connection. */
    public RequestContext(short apiVersion, int correlationId, String clientId, String clientHost,
                          ScheduledExecutorService scheduler) {
        this(apiVersion, correlationId, clientId, clientHost, scheduler, Session.anonymous(clientHost));
    }
}
