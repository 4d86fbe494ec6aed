package io.busbar.kafka.handler;

import io.busbar.bus.group.GroupCoordinator;
import io.busbar.bus.group.JoinGroupRequest;
import io.busbar.bus.group.JoinGroupResult;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * JoinGroup onto the bus's group coordinator, so Kafka consumers and in-process consumers share groups. The answer
 * is a future that completes when the rebalance does: no thread waits. v4+ members first get MEMBER_ID_REQUIRED
 * with their id, as Kafka does. Static members (group.instance.id, v5+)
 * keep their place across restarts within their session timeout. Thread-safe.
 */
final class JoinGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        JoinGroupRequestData request = (JoinGroupRequestData) message;
        List<JoinGroupRequest.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new JoinGroupRequest.Protocol(p.name(), p.metadata())));
        int rebalanceTimeout = context.apiVersion() >= 1 ? request.rebalanceTimeoutMs() : request.sessionTimeoutMs();
        JoinGroupRequest join = new JoinGroupRequest(request.groupId(), request.memberId(), context.clientId(),
                "/" + context.clientHost(), request.sessionTimeoutMs(), rebalanceTimeout, request.protocolType(),
                protocols, context.apiVersion() >= 4, context.apiVersion() >= 5 ? request.groupInstanceId() : null);
        return coordinator.joinGroup(join).thenApply(r -> toResponse(r, context.apiVersion()));
    }

    private static ApiMessage toResponse(JoinGroupResult r, short version) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setErrorCode(r.error().code())
                .setGenerationId(r.generationId())
                .setProtocolName(r.protocolName() != null ? r.protocolName() : (version >= 7 ? null : ""))
                .setLeader(r.leaderId() != null ? r.leaderId() : "")
                .setMemberId(r.memberId() != null ? r.memberId() : "");
        if (version >= 7) {
            response.setProtocolType(r.protocolType());
        }
        List<JoinGroupResponseData.JoinGroupResponseMember> members = new ArrayList<>();
        for (JoinGroupResult.Member m : r.members()) {
            members.add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(m.memberId())
                    .setGroupInstanceId(version >= 5 ? m.groupInstanceId() : null).setMetadata(m.metadata()));
        }
        return response.setMembers(members);
    }
}
