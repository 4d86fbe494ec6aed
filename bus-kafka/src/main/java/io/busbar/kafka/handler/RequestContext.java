package io.busbar.kafka.handler;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What a handler knows about the request besides its body: version, client, and a scheduler for timeouts (the
 * connection's executor; tasks must not block). Immutable.
 */
public record RequestContext(short apiVersion, int correlationId, String clientId, String clientHost,
                             ScheduledExecutorService scheduler) {
}
