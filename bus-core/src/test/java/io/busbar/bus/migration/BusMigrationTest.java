package io.busbar.bus.migration;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.Header;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Migrates an embedded bus to a real Kafka broker: records, headers, partitions and committed offsets. */
class BusMigrationTest {
    @TempDir
    Path dir;

    @Test
    void copiesTopicsAndTranslatesCommittedOffsetsToKafka() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "migrate-" + suffix;
        String group = "billing-" + suffix;
        List<String> progress = new ArrayList<>();
        try (Bus source = Bus.open(BusConfig.builder(dir).build());
             Bus target = Bus.kafka(KafkaBusConfig.of(KafkaBrokerProcess.shared().bootstrapServers()))) {
            source.admin().createTopic(topic, 2, Map.of());
            // recent timestamps: the cluster applies time-based retention to the copied timestamps, and its next
            // retention check would delete records of 1970 (a flaky empty topic until this was understood)
            long base = System.currentTimeMillis() - 60_000;
            for (int i = 0; i < 100; i++) {
                source.producer().send(topic, BusRecord.of("key-" + i, "value-" + i)
                        .withHeaders(List.of(Header.of("n", Integer.toString(i)))).withTimestamp(base + i));
            }
            // a source connector's stored position: two saves, the latest wins
            String connector = "orders-source-" + suffix;
            source.producer().send(Bus.POSITIONS_TOPIC, BusRecord.of(connector, "{\"offset\":1}")).join();
            source.producer().send(Bus.POSITIONS_TOPIC, BusRecord.of(connector, "{\"offset\":42}")).join();
            source.producer().flush();
            // the group has processed part of the topic
            int processed = 0;
            try (BusConsumer consumer = source.consumer(ConsumerConfig.builder().groupId(group).maxPollRecords(30).build())) {
                consumer.subscribe(List.of(topic), RebalanceListener.NONE);
                long deadline = System.currentTimeMillis() + 30_000;
                while (processed == 0 && System.currentTimeMillis() < deadline) {
                    processed = consumer.poll(Duration.ofMillis(200)).size();
                }
                consumer.commitSync();
            }
            assertThat(processed).isGreaterThan(0);

            BusMigration.Result result = new BusMigration(source, target, progress::add).run();
            assertThat(result.records()).isGreaterThanOrEqualTo(100);
            assertThat(result.groups()).isGreaterThanOrEqualTo(1);
            assertThat(progress).anyMatch(l -> l.startsWith("topic " + topic));
            assertThat(result.positions()).isGreaterThanOrEqualTo(2);
            assertThat(latestPosition(target, connector)).as("the connector resumes from its position on Kafka")
                    .isEqualTo("{\"offset\":42}");

            // the group resumes on Kafka exactly where it left off on the embedded bus
            List<ConsumedRecord> rest = new ArrayList<>();
            try (BusConsumer consumer = target.consumer(ConsumerConfig.builder().groupId(group).build())) {
                consumer.subscribe(List.of(topic), RebalanceListener.NONE);
                long deadline = System.currentTimeMillis() + 60_000;
                while (rest.size() < 100 - processed && System.currentTimeMillis() < deadline) {
                    rest.addAll(consumer.poll(Duration.ofMillis(200)));
                }
                assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();
            }
            assertThat(rest).hasSize(100 - processed);
            for (ConsumedRecord r : rest) {
                int n = Integer.parseInt(r.keyAsString().substring("key-".length()));
                assertThat(r.valueAsString()).isEqualTo("value-" + n);
                assertThat(r.headers().get(0).valueAsString()).isEqualTo(Integer.toString(n));
                assertThat(r.timestamp()).isEqualTo(base + n);
                assertThat(new TopicPartition(topic, r.partition())).isNotNull();
            }
        }
    }

    private static String latestPosition(Bus bus, String connector) {
        TopicPartition tp = new TopicPartition(Bus.POSITIONS_TOPIC, 0);
        long end = bus.admin().describeTopic(Bus.POSITIONS_TOPIC).partitions().get(0).endOffset();
        String latest = null;
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 30_000;
            while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
                for (ConsumedRecord r : consumer.poll(Duration.ofMillis(200))) {
                    if (connector.equals(r.keyAsString())) {
                        latest = r.valueAsString();
                    }
                }
            }
        }
        return latest;
    }
}
