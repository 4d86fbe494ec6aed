package io.busbar.kafka.handler;

import io.busbar.bus.group.GroupCoordinator;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/** Heartbeat: keeps the member alive; REBALANCE_IN_PROGRESS tells it to rejoin. Thread-safe. */
final class HeartbeatHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        HeartbeatRequestData request = (HeartbeatRequestData) message;
        return coordinator.heartbeat(request.groupId(), request.generationId(), request.memberId())
                .thenApply(e -> new HeartbeatResponseData().setErrorCode(e.code()));
    }
}
