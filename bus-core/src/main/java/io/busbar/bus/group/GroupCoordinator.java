package io.busbar.bus.group;

/**
 * Skeleton so dependants compile; the groups work replaces it. Planned API (used by the embedded bus and the Kafka
 * listener): constructor (GroupContext, settings), start(), close(), async joinGroup/syncGroup/heartbeat/leaveGroup,
 * commitOffsets/fetchOffsets, listGroups, describeGroup, resetOffsets, deleteGroup, newMembership(ConsumerConfig).
 */
public final class GroupCoordinator {
}
