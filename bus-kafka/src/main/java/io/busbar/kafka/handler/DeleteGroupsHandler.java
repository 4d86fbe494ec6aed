package io.busbar.kafka.handler;

import io.busbar.bus.group.GroupCoordinator;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/** DeleteGroups: only empty groups (NON_EMPTY_GROUP otherwise); their committed offsets go too. Thread-safe. */
final class DeleteGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DeleteGroupsRequestData request = (DeleteGroupsRequestData) message;
        DeleteGroupsResponseData response = new DeleteGroupsResponseData();
        for (String groupId : request.groupsNames()) {
            DeleteGroupsResponseData.DeletableGroupResult result =
                    new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId);
            try {
                coordinator.deleteGroup(groupId);
                result.setErrorCode(Errors.NONE.code());
            } catch (RuntimeException e) {
                result.setErrorCode(ErrorMapping.of(e).code());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }
}
