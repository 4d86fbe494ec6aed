package io.busbar.routes.kafka;

import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ServiceContext;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code bus:} component's exactly-once mode on the embedded bus: the consumer and the transactions go through
 * Busbar's own Kafka listener (announced to the bus when it starts). Steps that fail before and after the send leave
 * every record in {@code b} exactly once for read_committed readers; the records of aborted attempts are in the log but
 * never visible to them.
 */
class ExactlyOncePipelineTest {

    private static final int RECORDS = 300;

    @TempDir
    Path dir;

    @Test
    void aBusToBusRouteIsExactlyOnceThroughTheListenersTransactions() throws Exception {
        KafkaListenerService service = new KafkaListenerService();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test",
                Map.of(), Map.of("busbar.kafka.listener", "127.0.0.1:0"));
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            service.start(new ServiceContext(bus, settings));
            assertThat(bus.kafkaClientProperties()).as("the listener announced itself").isPresent();
            bus.admin().createTopic("a", 3, Map.of());
            for (int i = 0; i < RECORDS; i++) {
                bus.producer().send("a", BusRecord.of("k" + i, "r-" + i));
            }
            bus.producer().flush();
            Set<String> failedOnce = ConcurrentHashMap.newKeySet();
            CamelContext camel = new DefaultCamelContext();
            try {
                camel.getRegistry().bind("bus", bus);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("bus:a?groupId=eos&exactlyOnce=true&concurrency=2&redeliveryDelay=50")
                                .process(e -> failOnce(e.getMessage().getBody(String.class), "r-10", failedOnce))
                                .to("bus:b")
                                .process(e -> failOnce(e.getMessage().getBody(String.class), "r-200", failedOnce));
                    }
                });
                camel.start();
                List<String> b = readCommitted(bus, "b", RECORDS);
                assertThat(b).as("each record exactly once, though r-200 was sent in an aborted attempt")
                        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, RECORDS).mapToObj(i -> "r-" + i).toList());
                assertThat(failedOnce).containsExactlyInAnyOrder("r-10", "r-200");
                long inLog = bus.admin().describeTopic("b").partitions().stream()
                        .mapToLong(p -> p.endOffset() - p.startOffset()).sum();
                assertThat(inLog).as("aborted attempts and markers are in the log, hidden from read_committed")
                        .isGreaterThan(RECORDS);
            } finally {
                camel.stop();
                service.stop();
            }
        }
    }

    private static void failOnce(String body, String which, Set<String> failed) {
        if (which.equals(body) && failed.add(body)) {
            throw new IllegalStateException("fails once: " + body);
        }
    }

    private static List<String> readCommitted(EmbeddedBus bus, String topic, int count) {
        Map<String, Object> p = new HashMap<>(bus.kafkaClientProperties().orElseThrow());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> bus.topic(topic).isPresent());
            List<TopicPartition> tps = IntStream.range(0, bus.topic(topic).orElseThrow().partitions())
                    .mapToObj(i -> new TopicPartition(topic, i)).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= count;
            });
            long quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < quietUntil) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
