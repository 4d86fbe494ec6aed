package io.busbar.kafka.handler;

import io.busbar.bus.group.GroupCoordinator;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** SyncGroup: the leader hands in the assignment; every member gets its own part once it is known. Thread-safe. */
final class SyncGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        SyncGroupRequestData request = (SyncGroupRequestData) message;
        Map<String, byte[]> assignments = new LinkedHashMap<>();
        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        return coordinator.syncGroup(request.groupId(), request.generationId(), request.memberId(),
                request.protocolType(), request.protocolName(), assignments).thenApply(r -> {
                    SyncGroupResponseData response = new SyncGroupResponseData().setErrorCode(r.error().code())
                            .setAssignment(r.assignment() != null ? r.assignment() : new byte[0]);
                    if (context.apiVersion() >= 5) {
                        response.setProtocolType(r.protocolType()).setProtocolName(r.protocolName());
                    }
                    return response;
                });
    }
}
