package io.busbar.bus.group;

import java.util.List;
import java.util.Objects;

/**
 * A JoinGroup request, as Kafka's classic protocol defines it.
 *
 * @param memberId             "" for a new member
 * @param sessionTimeoutMs     the member is removed when it neither heartbeats nor joins for this long
 * @param rebalanceTimeoutMs   how long the group waits for this member to rejoin during a rebalance
 * @param protocolType         {@code consumer} for Kafka consumers and in-process members
 * @param protocols            supported protocols (assignor names for consumers) in preference order, each with its metadata
 * @param requireKnownMemberId JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED with its id, then rejoins
 * @param groupInstanceId      {@code group.instance.id} of a static member (JoinGroup v5+), or null for a dynamic one
 */
public record JoinGroupRequest(String groupId, String memberId, String clientId, String clientHost,
                               int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                               List<Protocol> protocols, boolean requireKnownMemberId,
                               String groupInstanceId) {

    public JoinGroupRequest {
        Objects.requireNonNull(groupId, "groupId");
        memberId = memberId == null ? "" : memberId;
        protocols = List.copyOf(protocols);
        groupInstanceId = groupInstanceId == null || groupInstanceId.isEmpty() ? null : groupInstanceId;
    }

    /** A dynamic member's request (no {@code group.instance.id}). */
    public JoinGroupRequest(String groupId, String memberId, String clientId, String clientHost, int sessionTimeoutMs,
                            int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols,
                            boolean requireKnownMemberId) {
        this(groupId, memberId, clientId, clientHost, sessionTimeoutMs, rebalanceTimeoutMs, protocolType, protocols,
                requireKnownMemberId, null);
    }

    /** One protocol a member supports: its name and opaque metadata (ConsumerProtocol subscription for consumers). */
    public record Protocol(String name, byte[] metadata) {
    }
}
