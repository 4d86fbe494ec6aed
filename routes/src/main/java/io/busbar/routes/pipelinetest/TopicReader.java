package io.busbar.routes.pipelinetest;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads a whole topic as it is now (every partition, from its start to its end), outside any consumer group. */
final class TopicReader {
    private TopicReader() {
    }

    /** The records of {@code topic}, by timestamp then partition and offset; empty when the topic does not exist. */
    static List<ConsumedRecord> readAll(Bus bus, String topic) {
        if (!bus.admin().listTopics(true).contains(topic)) {
            return List.of();
        }
        TopicDescription description = bus.admin().describeTopic(topic);
        List<ConsumedRecord> all = new ArrayList<>();
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().maxPollRecords(10_000).build())) {
            for (var partition : description.partitions()) {
                TopicPartition tp = new TopicPartition(topic, partition.partition());
                long end = partition.endOffset();
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                    all.addAll(consumer.poll(Duration.ofMillis(100)));
                }
            }
        }
        all.sort(Comparator.comparingLong(ConsumedRecord::timestamp).thenComparingInt(ConsumedRecord::partition)
                .thenComparingLong(ConsumedRecord::offset));
        return all;
    }
}
