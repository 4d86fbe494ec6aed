package io.busbar.kafka.handler;

import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one Kafka API. Handlers never block on the network or on another request: slow answers (durable produce,
 * long-poll fetch, join group) are futures. Implementations are thread-safe; one instance serves every connection.
 */
@FunctionalInterface
public interface ApiHandler {

    /**
     * @return the response body, or a future completing with null when no response is sent (Produce with acks=0).
     *         A failed future closes the connection after logging.
     */
    CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage request);
}
