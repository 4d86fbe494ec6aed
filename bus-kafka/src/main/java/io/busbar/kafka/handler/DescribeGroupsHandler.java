package io.busbar.kafka.handler;

import io.busbar.bus.group.GroupCoordinator;
import io.busbar.bus.group.GroupSnapshot;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** DescribeGroups: state, protocol and members with their raw metadata and assignment; unknown groups are Dead. */
final class DescribeGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DescribeGroupsRequestData request = (DescribeGroupsRequestData) message;
        DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        for (String groupId : request.groups()) {
            DescribedGroup group = new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.NONE.code());
            response.groups().add(group);
            Optional<GroupSnapshot> snapshot = coordinator.groupSnapshot(groupId);
            if (snapshot.isEmpty()) {
                group.setGroupState("Dead").setProtocolType("").setProtocolData("");
                continue;
            }
            GroupSnapshot s = snapshot.get();
            group.setGroupState(s.state().kafkaName())
                    .setProtocolType(s.protocolType() == null ? "" : s.protocolType())
                    .setProtocolData(s.protocol() == null ? "" : s.protocol());
            for (GroupSnapshot.Member m : s.members()) {
                group.members().add(new DescribedGroupMember().setMemberId(m.memberId())
                        .setClientId(m.clientId() == null ? "" : m.clientId())
                        .setClientHost(m.clientHost() == null ? "" : m.clientHost())
                        .setMemberMetadata(m.metadata() == null ? new byte[0] : m.metadata())
                        .setMemberAssignment(m.assignment() == null ? new byte[0] : m.assignment()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
