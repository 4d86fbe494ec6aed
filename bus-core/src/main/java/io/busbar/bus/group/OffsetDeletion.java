package io.busbar.bus.group;

import io.busbar.bus.TopicPartition;

import java.util.Map;

/**
 * The outcome of an OffsetDelete: a group-level error (NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP), and when NONE,
 * one error per partition asked for (NONE, GROUP_SUBSCRIBED_TO_TOPIC, KAFKA_STORAGE_ERROR).
 */
public record OffsetDeletion(GroupError error, Map<TopicPartition, GroupError> partitions) {
}
