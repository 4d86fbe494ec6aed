package io.busbar.routes.kafka;

import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ServiceContext;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel's own camel-kafka component, unmodified, against the Busbar Kafka listener: a Camel application built for
 * Kafka reads from and writes to the Busbar bus, and `bus:` routes see the same data.
 */
class CamelKafkaComponentTest {
    @TempDir
    Path dir;

    @Test
    void camelKafkaConsumesAndProducesThroughTheListener() throws Exception {
        KafkaListenerService service = new KafkaListenerService();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test",
                Map.of(), Map.of("busbar.kafka.listener", "127.0.0.1:0"));
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            service.start(new ServiceContext(bus, settings));
            String brokers = service.endpoints().get(0).substring("kafka://".length());
            CamelContext camel = new DefaultCamelContext();
            try {
                camel.getRegistry().bind("bus", bus);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        // Kafka → bus: camel-kafka reads what the bus producer wrote, over the Kafka protocol
                        from("kafka:from-kafka?brokers=" + brokers + "&groupId=camel-kafka&autoOffsetReset=earliest")
                                .setBody(simple("kafka said ${body}"))
                                .to("bus:into-bus");
                        // bus → Kafka: camel-kafka's producer appends through the listener
                        from("bus:out-of-bus?groupId=bridge")
                                .convertBodyTo(String.class)
                                .to("kafka:to-kafka?brokers=" + brokers);
                    }
                });
                camel.start();
                for (int i = 0; i < 5; i++) {
                    bus.producer().send("from-kafka", BusRecord.of("k" + i, "a" + i)).join();
                    bus.producer().send("out-of-bus", BusRecord.of("k" + i, "b" + i)).join();
                }
                assertThat(read(bus, "into-bus", 5)).containsExactlyInAnyOrder(
                        "kafka said a0", "kafka said a1", "kafka said a2", "kafka said a3", "kafka said a4");
                assertThat(read(bus, "to-kafka", 5)).containsExactlyInAnyOrder("b0", "b1", "b2", "b3", "b4");
            } finally {
                camel.stop();
                service.stop();
            }
        }
    }

    private static List<String> read(EmbeddedBus bus, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.group("check-" + topic))) {
            consumer.subscribe(List.of(topic), RebalanceListener.NONE);
            long deadline = System.currentTimeMillis() + 90_000;
            while (values.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).stream().map(ConsumedRecord::valueAsString).forEach(values::add);
            }
        }
        return values;
    }
}
