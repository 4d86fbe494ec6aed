package io.busbar.bus.group;

/** The SyncGroup response: this member's assignment bytes (ConsumerProtocol assignment for consumers). */
public record SyncGroupResult(GroupError error, String protocolType, String protocolName, byte[] assignment) {

    static SyncGroupResult error(GroupError error) {
        return new SyncGroupResult(error, null, null, new byte[0]);
    }
}
