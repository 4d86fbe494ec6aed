package io.busbar.bus.group;

import java.util.List;

/**
 * A group's protocol state with each member's raw metadata and assignment, for Kafka's DescribeGroups response.
 * {@code protocolType} and {@code protocol} are "" when the group has no members.
 */
public record GroupSnapshot(String groupId, GroupState state, String protocolType, String protocol, int generationId,
                            String leaderId, List<Member> members) {

    public record Member(String memberId, String clientId, String clientHost, byte[] metadata, byte[] assignment) {
    }
}
