package io.busbar.bus.embedded;

import io.busbar.bus.BusAdmin;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.InvalidTopicException;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.PartitionLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Topic and group administration of the embedded bus. Thread-safe (delegates to thread-safe parts). */
final class EmbeddedAdmin implements BusAdmin {
    private final EmbeddedBus bus;
    private final TopicRegistry topics;

    EmbeddedAdmin(EmbeddedBus bus, TopicRegistry topics) {
        this.bus = bus;
        this.topics = topics;
    }

    @Override
    public TopicDescription createTopic(String name, int partitions, Map<String, String> configs) {
        rejectInternal(name);
        return describe(topics.create(name, partitions, bus.config().defaultTopicConfig().with(configs)));
    }

    @Override
    public TopicDescription createTopicIfAbsent(String name, int partitions, Map<String, String> configs) {
        rejectInternal(name);
        return describe(topics.createIfAbsent(name, partitions, bus.config().defaultTopicConfig().with(configs)));
    }

    @Override
    public void ensureTopicForProduce(String name) {
        bus.topicForProduce(name);
    }

    @Override
    public void deleteTopic(String name) {
        rejectInternal(name);
        topics.delete(name);
    }

    @Override
    public Set<String> listTopics(boolean includeInternal) {
        Set<String> names = new TreeSet<>();
        for (TopicRegistry.Topic t : topics.all()) {
            if (includeInternal || !t.metadata().internal()) {
                names.add(t.metadata().name());
            }
        }
        return names;
    }

    @Override
    public TopicDescription describeTopic(String name) {
        return describe(topics.require(name));
    }

    @Override
    public void createPartitions(String name, int totalPartitions) {
        rejectInternal(name);
        topics.addPartitions(name, totalPartitions);
    }

    @Override
    public long offsetForTimestamp(TopicPartition partition, long timestamp) {
        PartitionLog log = topics.log(partition);
        long offset = log.offsetForTimestamp(timestamp);
        return offset < 0 ? log.highWatermark() : offset;
    }

    @Override
    public List<GroupListing> listGroups() {
        return bus.groupCoordinator().listGroups();
    }

    @Override
    public GroupDescription describeGroup(String groupId) {
        return bus.groupCoordinator().describeGroup(groupId);
    }

    @Override
    public Map<TopicPartition, Long> resetGroupOffsets(String groupId, Set<TopicPartition> partitions, OffsetSpec target) {
        return bus.groupCoordinator().resetOffsets(groupId, partitions, target);
    }

    @Override
    public void deleteGroup(String groupId) {
        bus.groupCoordinator().deleteGroup(groupId);
    }

    static TopicDescription describe(TopicRegistry.Topic topic) {
        List<TopicDescription.PartitionDescription> partitions = new ArrayList<>();
        for (PartitionLog log : topic.logs()) {
            partitions.add(new TopicDescription.PartitionDescription(log.topicPartition().partition(),
                    log.logStartOffset(), log.highWatermark(), log.sizeInBytes()));
        }
        TopicMetadata m = topic.metadata();
        return new TopicDescription(m.name(), m.topicId(), m.internal(), partitions, m.config().toMap());
    }

    private static void rejectInternal(String name) {
        if (name != null && name.startsWith("__")) {
            throw new InvalidTopicException("Topic '" + name + "' is internal (names starting with '__' are reserved for"
                    + " the bus): choose another name");
        }
    }
}
