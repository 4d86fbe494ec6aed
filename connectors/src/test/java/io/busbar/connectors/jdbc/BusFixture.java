package io.busbar.connectors.jdbc;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.Durability;
import io.busbar.bus.TestBackend;
import io.busbar.bus.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** A real embedded bus in a test's temporary directory, and ways to fill and read its topics. */
final class BusFixture {

    private BusFixture() {
    }

    static Bus open(Path dir) {
        return TestBackend.current().open(BusConfig.builder(dir).durability(Durability.OS).build());
    }

    /** Every record of the topic from the start of each partition (no group); empty when the topic does not exist. */
    static List<ConsumedRecord> readAll(Bus bus, String topic) {
        List<ConsumedRecord> records = new ArrayList<>();
        if (!bus.admin().listTopics(false).contains(topic)) {
            return records;
        }
        var partitions = bus.admin().describeTopic(topic).partitions();
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().maxPollRecords(10_000).build())) {
            List<TopicPartition> tps = IntStream.range(0, partitions.size()).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            for (TopicPartition tp : tps) {
                long end = partitions.get(tp.partition()).endOffset();
                while (consumer.position(tp) < end) {
                    records.addAll(consumer.poll(Duration.ofMillis(200)));
                }
            }
        }
        return records;
    }

    static void produceAll(Bus bus, String topic, List<BusRecord> records) throws Exception {
        var futures = records.stream().map(r -> bus.producer().send(topic, r)).toList();
        for (var f : futures) {
            f.get();
        }
    }
}
