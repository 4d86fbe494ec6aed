package io.busbar.kafka.handler;

import io.busbar.bus.group.GroupCoordinator;
import io.busbar.bus.group.GroupError;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** LeaveGroup: one member (v0-2) or a batch (v3+); the group rebalances at once. Thread-safe. */
final class LeaveGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        LeaveGroupRequestData request = (LeaveGroupRequestData) message;
        if (context.apiVersion() < 3) {
            return coordinator.leaveGroup(request.groupId(), request.memberId())
                    .thenApply(e -> new LeaveGroupResponseData().setErrorCode(e.code()));
        }
        List<CompletableFuture<LeaveGroupResponseData.MemberResponse>> leaving = new ArrayList<>();
        for (LeaveGroupRequestData.MemberIdentity m : request.members()) {
            leaving.add(coordinator.leaveGroup(request.groupId(), m.memberId(), m.groupInstanceId()).thenApply(e ->
                    new LeaveGroupResponseData.MemberResponse().setMemberId(m.memberId())
                            .setGroupInstanceId(m.groupInstanceId()).setErrorCode(e.code())));
        }
        return CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).thenApply(v -> {
            LeaveGroupResponseData response = new LeaveGroupResponseData().setErrorCode(GroupError.NONE.code());
            leaving.forEach(f -> response.members().add(f.join()));
            return response;
        });
    }
}
