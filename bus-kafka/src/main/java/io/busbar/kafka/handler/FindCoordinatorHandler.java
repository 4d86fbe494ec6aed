package io.busbar.kafka.handler;

import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * FindCoordinator: this broker coordinates every group and every transactional id (v0-3 one key, v4+ a batch).
 * Other key types (share groups) are refused. Thread-safe.
 */
final class FindCoordinatorHandler implements ApiHandler {

    private final BrokerIdentity broker;

    FindCoordinatorHandler(BrokerIdentity broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        FindCoordinatorRequestData request = (FindCoordinatorRequestData) message;
        boolean groups = request.keyType() == CoordinatorType.GROUP.id() || request.keyType() == CoordinatorType.TRANSACTION.id();
        Errors error = groups ? Errors.NONE : Errors.INVALID_REQUEST;
        String errorMessage = groups ? null : "Busbar coordinates groups and transactions only, not key type " + request.keyType();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (context.apiVersion() < 4) {
            response.setErrorCode(error.code()).setErrorMessage(errorMessage)
                    .setNodeId(groups ? broker.nodeId() : -1).setHost(groups ? broker.host() : "").setPort(groups ? broker.port() : -1);
        } else {
            List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>();
            for (String key : request.coordinatorKeys()) {
                coordinators.add(new FindCoordinatorResponseData.Coordinator().setKey(key)
                        .setErrorCode(error.code()).setErrorMessage(errorMessage)
                        .setNodeId(groups ? broker.nodeId() : -1).setHost(groups ? broker.host() : "")
                        .setPort(groups ? broker.port() : -1));
            }
            response.setCoordinators(coordinators);
        }
        return CompletableFuture.completedFuture(response);
    }
}
