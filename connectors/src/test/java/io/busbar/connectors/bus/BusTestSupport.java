package io.busbar.connectors.bus;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.Durability;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.Header;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.TestBackend;
import io.busbar.bus.TopicPartition;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * Camel tests over a real embedded bus in a temporary directory, bound in the registry as the busbar runtime
 * does. The bus closes after the Camel context stopped.
 */
@Tag(TestBackend.BOTH_BACKENDS)
abstract class BusTestSupport extends CamelTestSupport {

    @TempDir
    Path dataDir;

    Bus bus;

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        bus = TestBackend.current().open(BusConfig.builder(dataDir).durability(Durability.OS).build());
        registry.bind("bus", bus);
    }

    @Override
    protected void doPostTearDown() throws Exception {
        // camel-test stops the context only after this method: stop it first, so consumers commit on an open bus
        context.stop();
        if (bus != null) {
            bus.close();
        }
        super.doPostTearDown();
    }

    /** Adds routes to the running context (tests that build their routes themselves start it here). */
    void addRoutes(org.apache.camel.builder.RouteBuilder builder) throws Exception {
        context.addRoutes(builder);
        if (!context.isStarted()) {
            context.start();
        }
    }

    RecordMetadata produce(String topic, String key, String value, Header... headers) throws Exception {
        return bus.producer().send(topic, BusRecord.of(key, value).withHeaders(List.of(headers))).get();
    }

    /** Every record of the topic, read from the start of each partition (no group), waiting until there are {@code count}. */
    List<ConsumedRecord> readAll(String topic, int count) {
        List<ConsumedRecord> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.admin().listTopics(false).contains(topic));
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
            int partitions = bus.admin().describeTopic(topic).partitions().size();
            List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                records.addAll(consumer.poll(Duration.ofMillis(100)));
                return records.size() >= count;
            });
        }
        return records;
    }

    /** The group's committed offset per partition of a topic (-1: none). */
    Map<Integer, Long> committed(String groupId, String topic) {
        GroupDescription group = bus.admin().describeGroup(groupId);
        return group.offsets().stream().filter(o -> o.partition().topic().equals(topic))
                .collect(Collectors.toMap(o -> o.partition().partition(), GroupDescription.PartitionOffsets::committedOffset));
    }

    static String header(ConsumedRecord record, String name) {
        return record.headers().stream().filter(h -> h.key().equals(name)).map(Header::valueAsString)
                .reduce((a, b) -> b).orElse(null);
    }

    static List<String> headerNames(ConsumedRecord record) {
        return record.headers().stream().map(Header::key).toList();
    }
}
