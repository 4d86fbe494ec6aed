package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.Header;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same YAML pipeline, unchanged, on a real Apache Kafka broker: only settings differ. */
class KafkaBackendRuntimeTest {
    @TempDir
    Path dir;

    @Test
    void aYamlPipelineRunsUnchangedOnKafka() throws Exception {
        runsTheUpperPipeline(KafkaBusConfig.of(KafkaBrokerProcess.shared().bootstrapServers()), Map.of());
    }

    @Test
    void clientSecuritySettingsPassThroughToTheCluster() throws Exception {
        // the broker's SASL_PLAINTEXT listener refuses clients that do not log in
        String login = KafkaBrokerProcess.plainLogin(KafkaBrokerProcess.SASL_USER, KafkaBrokerProcess.SASL_PASSWORD);
        Map<String, Object> security = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", login);
        Map<String, Object> client = new HashMap<>(security);
        client.put("bootstrap.servers", KafkaBrokerProcess.shared().saslBootstrapServers());
        Map<String, String> settings = new HashMap<>();
        security.forEach((k, v) -> settings.put("busbar.kafka.client." + k, v.toString()));
        runsTheUpperPipeline(new KafkaBusConfig(client, Map.of(), Map.of(), (short) 1, 1, true), settings);
    }

    @Test
    void anUnreachableClusterFailsTheStartNamingTheSetting() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort(); // nothing listens there once the socket is closed
        }
        Files.writeString(dir.resolve("empty.yaml"), "[]\n");
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of()), Map.of(), "test", Map.of(),
                Map.of("busbar.bus.backend", "kafka", "busbar.kafka.bootstrap.servers", "127.0.0.1:" + closedPort));
        BusbarRuntime runtime = new BusbarRuntime(settings, PipelineFiles.of(List.of(dir)), List.of(), "test", s -> { });
        assertThatThrownBy(runtime::openBus).hasMessageContaining("busbar.kafka.bootstrap.servers")
                .hasMessageContaining("cluster is up");
    }

    @Test
    void aRefusedLoginIsAClearErrorAtStart() throws Exception {
        Files.writeString(dir.resolve("empty.yaml"), "[]\n");
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of()), Map.of(), "test", Map.of(),
                Map.of("busbar.bus.backend", "kafka",
                        "busbar.kafka.bootstrap.servers", KafkaBrokerProcess.shared().saslBootstrapServers(),
                        "busbar.kafka.client.security.protocol", "SASL_PLAINTEXT",
                        "busbar.kafka.client.sasl.mechanism", "PLAIN",
                        "busbar.kafka.client.sasl.jaas.config", KafkaBrokerProcess.plainLogin(KafkaBrokerProcess.SASL_USER, "wrong")));
        BusbarRuntime runtime = new BusbarRuntime(settings, PipelineFiles.of(List.of(dir)), List.of(), "test", s -> { });
        assertThatThrownBy(runtime::openBus).hasMessageContaining("Kafka refused the login")
                .hasMessageContaining("busbar.kafka.client.sasl");
    }

    /** Runs a YAML pipeline (in → upper case → out) on the cluster {@code check} reaches, with these extra settings. */
    private void runsTheUpperPipeline(KafkaBusConfig check, Map<String, String> extraSettings) throws Exception {
        String bootstrap = check.clientProperties().get("bootstrap.servers").toString();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("upper.yaml"), """
                - route:
                    from:
                      uri: bus:in-%1$s
                      parameters:
                        groupId: upper
                      steps:
                        - setBody:
                            simple: "${bodyAs(String).toUpperCase()}"
                        - to: bus:out-%1$s
                """.formatted(suffix));
        Map<String, String> set = new HashMap<>(Map.of("busbar.bus.backend", "kafka",
                "busbar.kafka.bootstrap.servers", bootstrap, "busbar.data.dir", dir.resolve("unused").toString(),
                "busbar.kafka.producer.linger.ms", "0"));
        set.putAll(extraSettings);
        List<BusbarService> services = List.of();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(services), Map.of(), "test", Map.of(), set);
        BusbarRuntime runtime = new BusbarRuntime(settings, PipelineFiles.of(List.of(pipelines)), services, "test", s -> { });
        Thread runner = new Thread(() -> {
            try {
                runtime.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        runner.start();
        List<ConsumedRecord> out = new ArrayList<>();
        try (Bus kafka = Bus.kafka(check)) {
            for (int i = 0; i < 10; i++) {
                kafka.producer().send("in-" + suffix, BusRecord.of("k" + i, "hello " + i)
                        .withHeaders(List.of(Header.of("origin", "test")))).join();
            }
            try (BusConsumer consumer = kafka.consumer(ConsumerConfig.group("check-" + suffix))) {
                consumer.subscribe(List.of("out-" + suffix), RebalanceListener.NONE);
                long deadline = System.currentTimeMillis() + 120_000;
                while (out.size() < 10 && System.currentTimeMillis() < deadline) {
                    out.addAll(consumer.poll(Duration.ofMillis(500)));
                }
            }
        } finally {
            runtime.stop();
            assertThat(runtime.awaitFinished(60, TimeUnit.SECONDS)).isTrue();
            runner.join(10_000);
        }
        assertThat(out).extracting(ConsumedRecord::valueAsString)
                .containsExactlyInAnyOrder("HELLO 0", "HELLO 1", "HELLO 2", "HELLO 3", "HELLO 4", "HELLO 5", "HELLO 6",
                        "HELLO 7", "HELLO 8", "HELLO 9");
        assertThat(out).allSatisfy(r -> assertThat(r.headers()).extracting(Header::key).contains("origin"));
        assertThat(Files.exists(dir.resolve("unused"))).as("no local bus is started").isFalse();
    }

    @Test
    void kafkaBackendWithoutBootstrapServersIsAClearError() throws Exception {
        Files.writeString(dir.resolve("empty.yaml"), "[]\n");
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of()), Map.of(), "test", Map.of(),
                Map.of("busbar.bus.backend", "kafka"));
        BusbarRuntime runtime = new BusbarRuntime(settings, PipelineFiles.of(List.of(dir)), List.of(), "test", s -> { });
        assertThatThrownBy(runtime::openBus).hasMessageContaining("busbar.kafka.bootstrap.servers is required");
    }

    @Test
    void unknownBackendIsRefusedWithTheValidOnes() {
        assertThatThrownBy(() -> BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of()), Map.of(), "test", Map.of(),
                Map.of("busbar.bus.backend", "pulsar")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("busbar.bus.backend").hasMessageContaining("kafka");
    }
}
