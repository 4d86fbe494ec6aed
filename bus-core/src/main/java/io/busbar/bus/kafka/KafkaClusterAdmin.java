package io.busbar.bus.kafka;

import io.busbar.bus.BusAdmin;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.GroupNotEmptyException;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownTopicException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Bus administration on a Kafka cluster through Kafka's Admin client. Thread-safe. */
final class KafkaClusterAdmin implements BusAdmin {
    private static final long TIMEOUT_S = 30;

    private final Admin admin;
    private final KafkaBusConfig config;

    KafkaClusterAdmin(Admin admin, KafkaBusConfig config) {
        this.admin = admin;
        this.config = config;
    }

    @Override
    public TopicDescription createTopic(String name, int partitions, Map<String, String> configs) {
        get(admin.createTopics(List.of(new NewTopic(name, partitions, config.replicationFactor()).configs(configs))).all());
        return describeNewTopic(name);
    }

    /**
     * Describes a topic just created, here or by another client. Kafka's metadata is eventually consistent: for a
     * moment after CreateTopics succeeds, a broker may still answer UNKNOWN_TOPIC_OR_PARTITION, so retry that (only
     * that) for up to 30 s.
     */
    private TopicDescription describeNewTopic(String name) {
        long deadline = System.currentTimeMillis() + TIMEOUT_S * 1000;
        while (true) {
            try {
                return describeTopic(name);
            } catch (io.busbar.bus.UnknownTopicException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100); // no event tells when the cluster's metadata has caught up
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void ensureTopicForProduce(String name) {
        if (config.autoCreateTopics()) {
            createTopicIfAbsent(name, config.defaultPartitions(), Map.of());
        } else if (!get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()).contains(name)) {
            throw new io.busbar.bus.UnknownTopicException("Topic '" + name + "' does not exist and busbar.topics.auto.create"
                    + " is off: create it first");
        }
    }

    @Override
    public TopicDescription createTopicIfAbsent(String name, int partitions, Map<String, String> configs) {
        if (!get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()).contains(name)) {
            try {
                return createTopic(name, partitions, configs);
            } catch (io.busbar.bus.TopicExistsException e) {
                // created concurrently (several instances starting together): so new that the broker answering
                // may not know it yet
                return describeNewTopic(name);
            }
        }
        // listed, but perhaps seconds old, created by another client: the same applies
        return describeNewTopic(name);
    }

    @Override
    public void deleteTopic(String name) {
        getForTopic(name, admin.deleteTopics(List.of(name)).all());
    }

    @Override
    public Set<String> listTopics(boolean includeInternal) {
        Set<String> names = new TreeSet<>(get(admin.listTopics(new ListTopicsOptions().listInternal(includeInternal)).names()));
        if (!includeInternal) {
            names.removeIf(n -> n.startsWith("__"));
        }
        return names;
    }

    @Override
    public TopicDescription describeTopic(String name) {
        org.apache.kafka.clients.admin.TopicDescription d = getForTopic(name, admin.describeTopics(List.of(name)).allTopicNames()).get(name);
        List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
        for (TopicPartitionInfo p : d.partitions()) {
            tps.add(new org.apache.kafka.common.TopicPartition(name, p.partition()));
        }
        Map<org.apache.kafka.common.TopicPartition, Long> start = offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.earliest());
        Map<org.apache.kafka.common.TopicPartition, Long> end = offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.latest());
        List<TopicDescription.PartitionDescription> partitions = new ArrayList<>();
        for (org.apache.kafka.common.TopicPartition tp : tps) {
            // bytes on disk are per broker and replica on a cluster: not summarised here
            partitions.add(new TopicDescription.PartitionDescription(tp.partition(), start.get(tp), end.get(tp), -1));
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config topicConfig = get(admin.describeConfigs(List.of(resource)).all()).get(resource);
        Map<String, String> configs = new LinkedHashMap<>();
        topicConfig.entries().forEach(e -> configs.put(e.name(), e.value()));
        UUID id = new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits());
        return new TopicDescription(name, id, d.isInternal(), partitions, configs);
    }

    @Override
    public void createPartitions(String name, int totalPartitions) {
        getForTopic(name, admin.createPartitions(Map.of(name, NewPartitions.increaseTo(totalPartitions))).all());
        // as for a new topic: the call returns before every broker's metadata shows the new partitions, so a describe
        // right after could still see the old count; return once it shows them (or after 30 s)
        long deadline = System.currentTimeMillis() + TIMEOUT_S * 1000;
        while (describeTopic(name).partitions().size() < totalPartitions && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100); // no event tells when the cluster's metadata has caught up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public long offsetForTimestamp(TopicPartition partition, long timestamp) {
        org.apache.kafka.common.TopicPartition tp = KafkaClusterConsumer.toKafka(partition);
        long offset = offsets(List.of(tp), org.apache.kafka.clients.admin.OffsetSpec.forTimestamp(timestamp)).get(tp);
        return offset >= 0 ? offset : offsets(List.of(tp), org.apache.kafka.clients.admin.OffsetSpec.latest()).get(tp);
    }

    @Override
    public List<GroupListing> listGroups() {
        List<GroupListing> out = new ArrayList<>();
        for (var g : get(admin.listConsumerGroups().all())) {
            out.add(new GroupListing(g.groupId(), g.state().map(Object::toString).orElse("Unknown"), "consumer"));
        }
        return out;
    }

    @Override
    public GroupDescription describeGroup(String groupId) {
        ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(groupId)).all()).get(groupId);
        if (d.state() == org.apache.kafka.common.ConsumerGroupState.DEAD) {
            throw new io.busbar.bus.UnknownGroupException("Consumer group '" + groupId + "' does not exist on the cluster");
        }
        List<GroupDescription.Member> members = new ArrayList<>();
        for (MemberDescription m : d.members()) {
            members.add(new GroupDescription.Member(m.consumerId(), m.clientId(), m.host(),
                    new ArrayList<>(KafkaClusterConsumer.fromKafka(m.assignment().topicPartitions()))));
        }
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed =
                get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
        Map<org.apache.kafka.common.TopicPartition, Long> end = offsets(committed.keySet(), org.apache.kafka.clients.admin.OffsetSpec.latest());
        List<GroupDescription.PartitionOffsets> offsets = new ArrayList<>();
        committed.forEach((tp, om) -> {
            long e = end.getOrDefault(tp, -1L);
            offsets.add(new GroupDescription.PartitionOffsets(KafkaClusterConsumer.fromKafka(tp), om.offset(), om.metadata(), e,
                    Math.max(0, e - om.offset())));
        });
        return new GroupDescription(groupId, d.state().toString(), "consumer", d.partitionAssignor(), -1, members, offsets);
    }

    @Override
    public Map<TopicPartition, Long> resetGroupOffsets(String groupId, Set<TopicPartition> partitions, OffsetSpec target) {
        ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(groupId)).all()).get(groupId);
        if (!d.members().isEmpty()) {
            throw new GroupNotEmptyException("Group '" + groupId + "' has " + d.members().size() + " active members: stop its"
                    + " consumers before resetting its offsets");
        }
        List<org.apache.kafka.common.TopicPartition> tps = partitions.stream().map(KafkaClusterConsumer::toKafka).toList();
        Map<org.apache.kafka.common.TopicPartition, Long> resolved = new HashMap<>();
        if (target instanceof OffsetSpec.Earliest) {
            resolved.putAll(offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.earliest()));
        } else if (target instanceof OffsetSpec.Latest) {
            resolved.putAll(offsets(tps, org.apache.kafka.clients.admin.OffsetSpec.latest()));
        } else if (target instanceof OffsetSpec.ForTimestamp t) {
            tps.forEach(tp -> resolved.put(tp, offsetForTimestamp(KafkaClusterConsumer.fromKafka(tp), t.timestamp())));
        } else if (target instanceof OffsetSpec.Explicit x) {
            tps.forEach(tp -> resolved.put(tp, x.offset()));
        }
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> alter = new HashMap<>();
        resolved.forEach((tp, o) -> alter.put(tp, new OffsetAndMetadata(o)));
        get(admin.alterConsumerGroupOffsets(groupId, alter).all());
        Map<TopicPartition, Long> out = new HashMap<>();
        resolved.forEach((tp, o) -> out.put(KafkaClusterConsumer.fromKafka(tp), o));
        return out;
    }

    @Override
    public void deleteGroup(String groupId) {
        get(admin.deleteConsumerGroups(List.of(groupId)).all());
    }

    private Map<org.apache.kafka.common.TopicPartition, Long> offsets(Collection<org.apache.kafka.common.TopicPartition> tps,
                                                                      org.apache.kafka.clients.admin.OffsetSpec spec) {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new HashMap<>();
        tps.forEach(tp -> request.put(tp, spec));
        Map<org.apache.kafka.common.TopicPartition, Long> out = new HashMap<>();
        if (request.isEmpty()) {
            return out;
        }
        for (Map.Entry<org.apache.kafka.common.TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
                : get(admin.listOffsets(request).all()).entrySet()) {
            out.put(e.getKey(), e.getValue().offset());
        }
        return out;
    }

    /** {@link #get}, naming the topic when the cluster does not know it (Kafka's own message does not). */
    private static <T> T getForTopic(String topic, KafkaFuture<T> future) {
        try {
            return get(future);
        } catch (UnknownTopicException e) {
            throw new UnknownTopicException("Topic '" + topic + "' does not exist on the Kafka cluster: create it first"
                    + " (busbar topics create, or let Busbar create it on first use)", e);
        }
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KafkaErrors.translate(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new io.busbar.bus.BusException("Kafka admin call timed out after " + TIMEOUT_S + " s: check"
                    + " busbar.kafka.bootstrap.servers and that the cluster is up", e);
        } catch (Exception e) {
            throw KafkaErrors.translate(e);
        }
    }
}
