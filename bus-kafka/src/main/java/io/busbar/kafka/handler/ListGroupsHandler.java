package io.busbar.kafka.handler;

import io.busbar.bus.GroupListing;
import io.busbar.bus.group.GroupCoordinator;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/** ListGroups, with the v4 state filter and the v5 type filter (every group is a classic group). Thread-safe. */
final class ListGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        ListGroupsRequestData request = (ListGroupsRequestData) message;
        ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(Errors.NONE.code());
        boolean classicWanted = request.typesFilter().isEmpty()
                || request.typesFilter().stream().anyMatch(t -> t.equalsIgnoreCase("classic"));
        for (GroupListing g : coordinator.listGroups()) {
            if (!classicWanted || (!request.statesFilter().isEmpty()
                    && request.statesFilter().stream().noneMatch(s -> s.equalsIgnoreCase(g.state())))) {
                continue;
            }
            response.groups().add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId())
                    .setProtocolType(g.protocolType() == null ? "" : g.protocolType())
                    .setGroupState(g.state()).setGroupType("classic"));
        }
        return CompletableFuture.completedFuture(response);
    }
}
