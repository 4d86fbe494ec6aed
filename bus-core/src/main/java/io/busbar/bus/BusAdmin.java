package io.busbar.bus;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Topic and group administration. Thread-safe. */
public interface BusAdmin {

    /** Creates a topic; throws {@link TopicExistsException}, {@link InvalidTopicException}, {@link InvalidConfigException}. */
    TopicDescription createTopic(String name, int partitions, Map<String, String> configs);

    /** Creates the topic if it does not exist; returns its description either way. */
    TopicDescription createTopicIfAbsent(String name, int partitions, Map<String, String> configs);

    /**
     * Makes sure a topic about to be written exists, as the bus's own producer does on its first send: a missing
     * topic is created with the bus's default partitions and settings when auto-creation is on; otherwise
     * {@link UnknownTopicException}. For writers that bypass the bus producer (Kafka transactions).
     */
    void ensureTopicForProduce(String name);

    /** Deletes a topic and its files; throws {@link UnknownTopicException}. */
    void deleteTopic(String name);

    /** Names of the topics; internal ones (names starting with {@code __}) only when asked. */
    Set<String> listTopics(boolean includeInternal);

    /** Partitions (start/end offsets, bytes on disk), topic id and settings; throws {@link UnknownTopicException}. */
    TopicDescription describeTopic(String name);

    /** Adds partitions to a topic (never removes). */
    void createPartitions(String name, int totalPartitions);

    /** Earliest offset whose record timestamp is at or after {@code timestamp}, or the end offset if none. */
    long offsetForTimestamp(TopicPartition partition, long timestamp);

    List<GroupListing> listGroups();

    /** Throws {@link io.busbar.bus.UnknownGroupException} when the group is unknown. */
    GroupDescription describeGroup(String groupId);

    /**
     * Moves a group's committed offsets; refused with {@link GroupNotEmptyException} while it has members.
     * Returns the new offsets.
     */
    Map<TopicPartition, Long> resetGroupOffsets(String groupId, Set<TopicPartition> partitions, OffsetSpec target);

    /** Deletes an empty group and its committed offsets; refused with {@link GroupNotEmptyException} otherwise. */
    void deleteGroup(String groupId);
}
