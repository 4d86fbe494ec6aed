package io.busbar.bus.group;

import io.busbar.bus.InvalidConfigException;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.RebalanceProtocol;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The assignors of one in-process member — kafka-clients' own public ones, so a group's assignment is the same
 * whether a Kafka client or an in-process consumer leads it — and the leader's job of running the chosen one over
 * every member's subscription.
 *
 * <p>Not thread-safe (sticky assignors keep state between rebalances): used from the member's consumer thread.
 */
final class ConsumerAssignors {
    private static final Node LOCAL_NODE = new Node(0, "127.0.0.1", 0);

    private final List<ConsumerPartitionAssignor> assignors = new ArrayList<>();
    private final RebalanceProtocol protocol;

    ConsumerAssignors(List<String> names) {
        for (String name : names) {
            assignors.add(create(name));
        }
        // Kafka's rule: cooperative only when every configured assignor supports it.
        protocol = assignors.stream().allMatch(a -> a.supportedProtocols().contains(RebalanceProtocol.COOPERATIVE))
                ? RebalanceProtocol.COOPERATIVE : RebalanceProtocol.EAGER;
    }

    private static ConsumerPartitionAssignor create(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "range", "org.apache.kafka.clients.consumer.rangeassignor" -> new RangeAssignor();
            case "roundrobin", "org.apache.kafka.clients.consumer.roundrobinassignor" -> new RoundRobinAssignor();
            case "sticky", "org.apache.kafka.clients.consumer.stickyassignor" -> new StickyAssignor();
            case "cooperative-sticky", "org.apache.kafka.clients.consumer.cooperativestickyassignor" -> new CooperativeStickyAssignor();
            default -> throw new InvalidConfigException("partition.assignment.strategy '" + name
                    + "' is unknown: use range, roundrobin, sticky or cooperative-sticky");
        };
    }

    /** Whether partitions are revoked only when they move (cooperative) or all before each rebalance (eager). */
    boolean cooperative() {
        return protocol == RebalanceProtocol.COOPERATIVE;
    }

    List<ConsumerPartitionAssignor> all() {
        return assignors;
    }

    ConsumerPartitionAssignor byName(String name) {
        return assignors.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("The group chose assignor '" + name
                        + "' which this member did not offer"));
    }

    /**
     * The leader's step: decodes every member's subscription, runs {@code assignorName} over the topics' current
     * partitions and returns each member's encoded assignment.
     */
    Map<String, byte[]> assign(String assignorName, List<JoinGroupResult.Member> members, GroupContext context) {
        Map<String, Subscription> subscriptions = new HashMap<>();
        Set<String> topics = new TreeSet<>();
        for (JoinGroupResult.Member m : members) {
            Subscription s = ConsumerProtocolCodec.decodeSubscription(m.metadata());
            subscriptions.put(m.memberId(), s);
            topics.addAll(s.topics());
        }
        List<PartitionInfo> partitions = new ArrayList<>();
        Node[] replicas = {LOCAL_NODE};
        for (String topic : topics) {
            int count = context.partitionCount(topic);
            for (int p = 0; p < count; p++) {
                partitions.add(new PartitionInfo(topic, p, LOCAL_NODE, replicas, replicas));
            }
        }
        Cluster cluster = new Cluster("busbar", List.of(LOCAL_NODE), partitions, Set.of(), Set.of());
        Map<String, Assignment> assigned = byName(assignorName).assign(cluster, new GroupSubscription(subscriptions)).groupAssignment();
        Map<String, byte[]> out = new HashMap<>();
        for (JoinGroupResult.Member m : members) {
            Assignment a = assigned.getOrDefault(m.memberId(), new Assignment(List.of()));
            out.put(m.memberId(), ConsumerProtocolCodec.encodeAssignment(a));
        }
        return out;
    }
}
