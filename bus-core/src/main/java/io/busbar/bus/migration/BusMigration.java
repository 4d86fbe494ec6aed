package io.busbar.bus.migration;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Copies topics and committed group offsets from one bus to another — typically from the embedded bus to a Kafka
 * cluster when a user outgrows one machine. Works on the {@link Bus} API alone, so any direction works.
 *
 * <p>Each record keeps its partition, key, value, headers and timestamp. Offsets may differ on the target (retention
 * or compaction leaves gaps in the source), so committed offsets are translated: a group's committed offset in a
 * partition maps to the target offset of the first copied record at or after it. Topics must not exist on the target
 * (a second run would duplicate records). The source should be stopped (no producers) while migrating.
 *
 * <p>Not thread-safe: one migration at a time.
 */
public final class BusMigration {

    /**
     * What one migration did.
     *
     * @param positions records of {@link Bus#POSITIONS_TOPIC} carried over (sources resume where they were)
     */
    public record Result(int topics, long records, int groups, long positions, Map<TopicPartition, Long> translatedOffsets) { }

    private final Bus source;
    private final Bus target;
    private final Consumer<String> progress;

    /** @param progress receives one human-readable line per step (topic copied, group migrated, every 100,000 records) */
    public BusMigration(Bus source, Bus target, Consumer<String> progress) {
        this.source = source;
        this.target = target;
        this.progress = progress;
    }

    public Result run() {
        Map<TopicPartition, OffsetTranslation> offsetMaps = new HashMap<>();
        long records = 0;
        Set<String> topics = source.admin().listTopics(false);
        for (String topic : topics) {
            records += copyTopic(source.admin().describeTopic(topic), offsetMaps);
        }
        int groups = 0;
        Map<TopicPartition, Long> translated = new HashMap<>();
        for (GroupListing group : source.admin().listGroups()) {
            GroupDescription d = source.admin().describeGroup(group.groupId());
            boolean any = false;
            for (GroupDescription.PartitionOffsets o : d.offsets()) {
                OffsetTranslation map = offsetMaps.get(o.partition());
                if (map == null || o.committedOffset() < 0) {
                    continue;
                }
                long targetOffset = map.translate(o.committedOffset());
                target.admin().resetGroupOffsets(group.groupId(), Set.of(o.partition()), OffsetSpec.explicit(targetOffset));
                translated.put(o.partition(), targetOffset);
                any = true;
            }
            if (any) {
                groups++;
                progress.accept("group " + group.groupId() + ": committed offsets migrated");
            }
        }
        long positions = copyPositions();
        progress.accept("done: " + topics.size() + " topics, " + records + " records, " + groups + " groups, "
                + positions + " connector positions");
        return new Result(topics.size(), records, groups, positions, translated);
    }

    private long copyTopic(TopicDescription topic, Map<TopicPartition, OffsetTranslation> offsetMaps) {
        Map<String, String> configs = new HashMap<>();
        for (String key : List.of("cleanup.policy", "retention.ms", "retention.bytes", "max.message.bytes", "segment.bytes")) {
            if (topic.config().containsKey(key)) {
                configs.put(key, topic.config().get(key));
            }
        }
        target.admin().createTopic(topic.name(), topic.partitions().size(), configs);
        long copied = copyRecords(topic, offsetMaps);
        progress.accept("topic " + topic.name() + ": " + topic.partitions().size() + " partitions, " + copied + " records");
        return copied;
    }

    /**
     * Appends the source's connector positions to the target's positions topic (which every bus creates at open):
     * without them a file or JDBC source would start over on the target and send everything again.
     */
    private long copyPositions() {
        if (!source.admin().listTopics(true).contains(Bus.POSITIONS_TOPIC)) {
            return 0;
        }
        long copied = copyRecords(source.admin().describeTopic(Bus.POSITIONS_TOPIC), new HashMap<>());
        progress.accept("connector positions: " + copied + " records");
        return copied;
    }

    private long copyRecords(TopicDescription topic, Map<TopicPartition, OffsetTranslation> offsetMaps) {
        long copied = 0;
        try (BusConsumer consumer = source.consumer(ConsumerConfig.builder().maxPollRecords(5000).build())) {
            for (TopicDescription.PartitionDescription p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                OffsetTranslation map = new OffsetTranslation();
                offsetMaps.put(tp, map);
                consumer.assign(List.of(tp));
                consumer.seek(tp, p.startOffset());
                while (consumer.position(tp) < p.endOffset()) {
                    List<ConsumedRecord> batch = consumer.poll(Duration.ofSeconds(5));
                    List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>(batch.size());
                    for (ConsumedRecord r : batch) {
                        sent.add(target.producer().send(topic.name(), new BusRecord(r.partition(), r.key(), r.value(), r.headers(), r.timestamp())));
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        map.add(batch.get(i).offset(), sent.get(i).join().offset());
                    }
                    long before = copied;
                    copied += batch.size();
                    if (before / 100_000 != copied / 100_000) {
                        progress.accept("topic " + topic.name() + ": " + copied + " records copied");
                    }
                }
            }
        }
        return copied;
    }
}
