package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.bus.group.GroupCoordinator;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.Map;

/** Registers the consumer-group APIs on the bus's group coordinator (the one in-process consumers use). */
final class GroupHandlers {

    private GroupHandlers() {
    }

    static void register(EmbeddedBus bus, BrokerIdentity broker, Map<ApiKeys, ApiHandler> handlers) {
        GroupCoordinator coordinator = bus.groupCoordinator();
        handlers.put(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(broker));
        handlers.put(ApiKeys.JOIN_GROUP, new JoinGroupHandler(coordinator));
        handlers.put(ApiKeys.SYNC_GROUP, new SyncGroupHandler(coordinator));
        handlers.put(ApiKeys.HEARTBEAT, new HeartbeatHandler(coordinator));
        handlers.put(ApiKeys.LEAVE_GROUP, new LeaveGroupHandler(coordinator));
        handlers.put(ApiKeys.OFFSET_COMMIT, new OffsetCommitHandler(coordinator));
        handlers.put(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(coordinator));
        handlers.put(ApiKeys.LIST_GROUPS, new ListGroupsHandler(coordinator));
        handlers.put(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsHandler(coordinator));
        handlers.put(ApiKeys.DELETE_GROUPS, new DeleteGroupsHandler(coordinator));
        handlers.put(ApiKeys.OFFSET_DELETE, new OffsetDeleteHandler(coordinator));
    }
}
