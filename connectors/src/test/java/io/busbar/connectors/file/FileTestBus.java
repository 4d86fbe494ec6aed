package io.busbar.connectors.file;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Reads topics of a real bus from the start, for assertions in the file connector tests. */
final class FileTestBus {

    private FileTestBus() {
    }

    /** Every record of the topic now (reads each partition to its end offset). */
    static List<ConsumedRecord> readAll(Bus bus, String topic) {
        if (!bus.admin().listTopics(false).contains(topic)) {
            return List.of();
        }
        var description = bus.admin().describeTopic(topic);
        List<ConsumedRecord> records = new ArrayList<>();
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
            List<TopicPartition> tps = IntStream.range(0, description.partitions().size())
                    .mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            for (var p : description.partitions()) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                while (consumer.position(tp) < p.endOffset()) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new AssertionError("Timed out reading " + tp + " to offset " + p.endOffset());
                    }
                    records.addAll(consumer.poll(Duration.ofMillis(100)));
                }
            }
        }
        return records;
    }

    static List<String> values(Bus bus, String topic) {
        return readAll(bus, topic).stream().map(ConsumedRecord::valueAsString).toList();
    }

    static long count(Bus bus, String topic) {
        if (!bus.admin().listTopics(false).contains(topic)) {
            return 0;
        }
        return bus.admin().describeTopic(topic).partitions().stream().mapToLong(p -> p.endOffset() - p.startOffset()).sum();
    }
}
