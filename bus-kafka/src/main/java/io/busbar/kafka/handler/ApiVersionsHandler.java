package io.busbar.kafka.handler;

import io.busbar.kafka.codec.ApiVersionTable;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/** ApiVersions: the advertised table. (Versions newer than ours are answered by the dispatcher in v0.) Thread-safe. */
final class ApiVersionsHandler implements ApiHandler {

    private final ApiVersionTable table;

    ApiVersionsHandler(ApiVersionTable table) {
        this.table = table;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage request) {
        return CompletableFuture.completedFuture(table.response());
    }
}
