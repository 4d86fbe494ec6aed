package io.busbar.routes.kafka;

import io.busbar.bus.BusConfig;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarService;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ServiceContext;
import io.busbar.routes.admin.MetricsScrape;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaListenerServiceTest {

    @TempDir
    Path dir;

    @Test
    void theRuntimeFindsTheServiceAndAKafkaProducerWritesToTheBus() throws Exception {
        List<BusbarService> services = BusbarRuntime.discoverServices();
        BusbarService service = services.stream().filter(s -> s.name().equals("kafka-listener")).findFirst().orElseThrow();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(services), Map.of(), "test", Map.of(),
                Map.of("busbar.kafka.listener", "127.0.0.1:0"));
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            ServiceContext context = new ServiceContext(bus, settings);
            service.start(context);
            try {
                assertThat(service.endpoints()).hasSize(1);
                String bootstrap = service.endpoints().get(0).substring("kafka://".length());
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                    producer.send(new ProducerRecord<>("via-kafka", "k", "v")).get(30, TimeUnit.SECONDS);
                }
                assertThat(bus.partitionLog(new TopicPartition("via-kafka", 0)).highWatermark()).isEqualTo(1);

                // per-API request counts and latencies on the runtime's registry, within Prometheus's rules
                String scrape = context.metrics().scrape();
                assertThat(MetricsScrape.value(scrape, "busbar_kafka_request_seconds_count{api=\"produce\"}"))
                        .isGreaterThanOrEqualTo(1);
                assertThat(MetricsScrape.value(scrape, "busbar_kafka_request_seconds_count{api=\"metadata\"}"))
                        .isGreaterThanOrEqualTo(1);
                assertThat(scrape).contains("busbar_kafka_request_errors_total{api=\"produce\"} 0");
                MetricsScrape.assertPassesPromtool(scrape);
            } finally {
                service.stop();
            }
        }
    }

    @Test
    void isOffWhenDisabled() throws Exception {
        KafkaListenerService service = new KafkaListenerService();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test",
                Map.of(), Map.of("busbar.kafka.enabled", "false"));
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            service.start(new ServiceContext(bus, settings));
            assertThat(service.endpoints()).isEmpty();
            service.stop();
        }
    }
}
