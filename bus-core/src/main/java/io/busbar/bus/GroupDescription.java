package io.busbar.bus;

import java.util.List;

/** A group's state, members and, per partition it has offsets for, the committed offset, end offset and lag. */
public record GroupDescription(String groupId, String state, String protocolType, String protocol, int generation,
                               List<Member> members, List<PartitionOffsets> offsets) {

    public record Member(String memberId, String clientId, String host, List<TopicPartition> assignment) { }

    /** committedOffset -1: nothing committed. lag = endOffset - committed (or end - start when none). */
    public record PartitionOffsets(TopicPartition partition, long committedOffset, String metadata, long endOffset, long lag) { }
}
