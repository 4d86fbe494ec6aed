package io.busbar.connectors.bus;

import io.busbar.bus.BusRecord;
import io.busbar.bus.TestBackend;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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
 * {@code exactlyOnce=true}: a {@code bus:a} → {@code bus:b} route whose steps fail before and after the send still leaves
 * every record in {@code b} exactly once for read_committed readers, and a record that always fails in the dead-letter
 * topic exactly once. On a Kafka cluster here (the Kafka backend runs of this suite); on the embedded bus through its
 * Kafka listener in routes' {@code ExactlyOncePipelineTest} (here, without a listener, the route refuses to start).
 */
class BusExactlyOnceTest extends BusTestSupport {

    private static final int RECORDS = 200;

    @Override
    public boolean isUseRouteBuilder() {
        return false;
    }

    @Test
    void failuresBeforeAndAfterTheSendLeaveEveryRecordOnceForReadCommittedReaders() throws Exception {
        if (!TestBackend.current().isKafka()) {
            // no Kafka listener in this module (routes' ExactlyOncePipelineTest runs one): the route refuses to start
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:a?groupId=eos&exactlyOnce=true").to("bus:b");
                }
            })).hasStackTraceContaining("exactlyOnce=true needs the bus's Kafka transactions")
                    .hasStackTraceContaining("busbar.kafka.listener");
            return;
        }
        bus.admin().createTopic("a", 2, Map.of());
        for (int i = 0; i < RECORDS; i++) {
            bus.producer().send("a", BusRecord.of("k" + i, "r-" + i));
        }
        bus.producer().send("a", BusRecord.of("bad", "poison"));
        bus.producer().flush();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:a?groupId=eos&exactlyOnce=true&maximumRedeliveries=2&redeliveryDelay=50")
                        .process(e -> failOnce(e.getMessage().getBody(String.class), "r-50", failedOnce))
                        .process(e -> {
                            if ("poison".equals(e.getMessage().getBody(String.class))) {
                                throw new IllegalArgumentException("never valid");
                            }
                        })
                        .to("bus:b")
                        .process(e -> failOnce(e.getMessage().getBody(String.class), "r-120", failedOnce));
            }
        });

        List<String> b = readCommitted("b", RECORDS);
        assertThat(b).as("each record exactly once, though r-120 was sent and then failed")
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, RECORDS).mapToObj(i -> "r-" + i).toList());
        assertThat(failedOnce).containsExactlyInAnyOrder("r-50", "r-120");
        List<String> dlq = readCommitted("a.dlq", 1);
        assertThat(dlq).containsExactly("poison");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> committed("eos", "a").values().stream().mapToLong(Long::longValue).sum() == RECORDS + 1);
    }

    private static void failOnce(String body, String which, Set<String> failed) {
        if (which.equals(body) && failed.add(body)) {
            throw new IllegalStateException("fails once: " + body);
        }
    }

    /** Every committed value of the topic, read until {@code count} arrived and one more second brought nothing new. */
    private List<String> readCommitted(String topic, int count) {
        Map<String, Object> p = new HashMap<>(bus.kafkaClientProperties().orElseThrow());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.partitionsFor(topic) != null
                    && !consumer.partitionsFor(topic).isEmpty());
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
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
