package io.busbar.bus.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a {@link ClassicGroup} as the coordinator sees it: its protocols, its assignment, and the response
 * it is waiting for. Guarded by the group's lock; not thread-safe on its own.
 */
final class GroupMember {
    private static final byte[] NO_BYTES = new byte[0];

    final String memberId;
    /** {@code group.instance.id} of a static member, null for a dynamic one. */
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    final int sessionTimeoutMs;
    final int rebalanceTimeoutMs;
    List<JoinGroupRequest.Protocol> protocols;
    byte[] assignment = NO_BYTES;
    /** Set while the member waits for the join phase to complete. */
    CompletableFuture<JoinGroupResult> awaitingJoin;
    /** Set while the member waits for the leader's assignment. */
    CompletableFuture<SyncGroupResult> awaitingSync;
    long sessionDeadlineMs;

    GroupMember(String memberId, JoinGroupRequest request, long nowMs) {
        this.memberId = memberId;
        this.groupInstanceId = request.groupInstanceId();
        this.clientId = request.clientId() == null ? "" : request.clientId();
        this.clientHost = request.clientHost() == null ? "" : request.clientHost();
        this.sessionTimeoutMs = request.sessionTimeoutMs();
        this.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        this.protocols = request.protocols();
        touch(nowMs);
    }

    void touch(long nowMs) {
        sessionDeadlineMs = nowMs + sessionTimeoutMs;
    }

    boolean supports(String protocolName) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocolName));
    }

    byte[] metadata(String protocolName) {
        return protocols.stream().filter(p -> p.name().equals(protocolName)).map(JoinGroupRequest.Protocol::metadata)
                .findFirst().orElse(NO_BYTES);
    }

    /** The first of this member's protocols (its preference) that is among {@code candidates}. */
    String vote(java.util.Set<String> candidates) {
        return protocols.stream().map(JoinGroupRequest.Protocol::name).filter(candidates::contains).findFirst().orElseThrow();
    }

    boolean sameProtocols(List<JoinGroupRequest.Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).name().equals(protocols.get(i).name())
                    || !java.util.Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }

    static byte[] noBytes() {
        return NO_BYTES;
    }
}
