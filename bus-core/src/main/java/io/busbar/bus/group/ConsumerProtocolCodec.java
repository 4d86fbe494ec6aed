package io.busbar.bus.group;

import io.busbar.bus.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's consumer embedded protocol (subscription and assignment bytes in JoinGroup / SyncGroup), so in-process
 * members and Kafka clients read each other's metadata. The only user of kafka-clients' internal
 * {@code ConsumerProtocol}: a Kafka upgrade that moves it touches this class alone. Stateless and thread-safe.
 */
final class ConsumerProtocolCodec {
    /** The protocol type of consumer groups. */
    static final String PROTOCOL_TYPE = ConsumerProtocol.PROTOCOL_TYPE;

    private ConsumerProtocolCodec() {
    }

    static byte[] encodeSubscription(Subscription subscription) {
        return bytes(ConsumerProtocol.serializeSubscription(subscription));
    }

    static Subscription decodeSubscription(byte[] metadata) {
        return ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata));
    }

    static byte[] encodeAssignment(Assignment assignment) {
        return bytes(ConsumerProtocol.serializeAssignment(assignment));
    }

    static Assignment decodeAssignment(byte[] assignment) {
        return ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment));
    }

    /** The partitions in an assignment; empty for empty or unreadable bytes (e.g. a member between rebalances). */
    static List<TopicPartition> assignedPartitionsOrEmpty(byte[] assignment) {
        if (assignment == null || assignment.length == 0) {
            return List.of();
        }
        try {
            List<TopicPartition> out = new ArrayList<>();
            for (org.apache.kafka.common.TopicPartition tp : decodeAssignment(assignment).partitions()) {
                out.add(new TopicPartition(tp.topic(), tp.partition()));
            }
            out.sort(null);
            return out;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
