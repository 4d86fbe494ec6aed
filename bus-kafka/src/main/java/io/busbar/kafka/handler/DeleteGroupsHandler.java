package io.busbar.kafka.handler;

import io.busbar.bus.group.GroupCoordinator;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteGroups: only empty groups (NON_EMPTY_GROUP otherwise); their committed offsets go too. Answers once the
 * tombstones are durable, without blocking the network thread. Thread-safe.
 */
final class DeleteGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DeleteGroupsRequestData request = (DeleteGroupsRequestData) message;
        List<CompletableFuture<DeleteGroupsResponseData.DeletableGroupResult>> results = new ArrayList<>();
        for (String groupId : request.groupsNames()) {
            CompletableFuture<DeleteGroupsResponseData.DeletableGroupResult> result;
            try {
                result = coordinator.deleteGroupAsync(groupId).handle((error, failure) ->
                        new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId).setErrorCode(
                                failure != null ? ErrorMapping.of(unwrap(failure)).code() : error.code()));
            } catch (RuntimeException e) {
                result = CompletableFuture.completedFuture(
                        new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId).setErrorCode(ErrorMapping.of(e).code()));
            }
            results.add(result);
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            results.forEach(r -> response.results().add(r.join()));
            return (ApiMessage) response;
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
