package io.busbar.bus.group;

import java.util.List;

/**
 * The JoinGroup response. The leader receives every member with its metadata for the chosen protocol and computes
 * the assignment; the others get an empty member list.
 */
public record JoinGroupResult(GroupError error, int generationId, String protocolType, String protocolName,
                              String leaderId, String memberId, List<Member> members) {

    /** @param groupInstanceId the member's {@code group.instance.id}, null for a dynamic member */
    public record Member(String memberId, String groupInstanceId, byte[] metadata) {
        public Member(String memberId, byte[] metadata) {
            this(memberId, null, metadata);
        }
    }

    static JoinGroupResult error(GroupError error, String memberId) {
        return new JoinGroupResult(error, -1, null, null, "", memberId, List.of());
    }

    public boolean isLeader() {
        return error == GroupError.NONE && leaderId.equals(memberId);
    }
}
