package io.busbar.routes.kafka;

import io.busbar.bus.BusConfig;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ServiceContext;
import io.busbar.routes.cli.UsersCommandTestSupport;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime's Kafka listener service: secure by default, and named SASL listeners configured by settings. */
class KafkaListenerSecurityServiceTest {

    @TempDir
    Path dir;

    private static BusbarSettings settings(Map<String, String> set, Map<String, String> env) {
        KafkaListenerService service = new KafkaListenerService();
        return BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test", env, set);
    }

    @Test
    void aPlaintextListenerBeyondLoopbackRefusesToStartNamingTheSetting() {
        KafkaListenerService service = new KafkaListenerService();
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            assertThatThrownBy(() -> service.start(new ServiceContext(bus, settings(Map.of("busbar.kafka.listener", "0.0.0.0:0"),
                    Map.of())))).isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("busbar.kafka.allow.insecure.listeners=true")
                    .hasMessageContaining("busbar.kafka.listener.security.protocol.map");
            service.start(new ServiceContext(bus, settings(Map.of("busbar.kafka.listener", "0.0.0.0:0",
                    "busbar.kafka.allow.insecure.listeners", "true"), Map.of())));
            try {
                assertThat(service.endpoints()).singleElement().asString().startsWith("kafka://0.0.0.0:");
            } finally {
                service.stop();
            }
        }
    }

    @Test
    void namedSaslListenerWithItsSuperUserFromSettings() throws Exception {
        Path data = dir.resolve("data");
        UsersCommandTestSupport.addUser(data, "ops", "ops-password");
        KafkaListenerService service = new KafkaListenerService();
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(data).build())) {
            service.start(new ServiceContext(bus, settings(Map.of(
                    "busbar.kafka.listeners", "LOCAL://127.0.0.1:0,EXTERNAL://0.0.0.0:0",
                    "busbar.kafka.listener.security.protocol.map", "LOCAL:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT",
                    "busbar.kafka.advertised.listeners", "EXTERNAL://127.0.0.1:0",
                    "busbar.kafka.super.users", "${env:SUPER_USERS}"), Map.of("SUPER_USERS", "User:ops"))));
            try {
                assertThat(service.endpoints()).hasSize(2).anyMatch(e -> e.endsWith("(EXTERNAL, SASL_PLAINTEXT)"));
                String external = service.endpoints().stream().filter(e -> e.contains("EXTERNAL")).findFirst().orElseThrow()
                        .substring("kafka://".length()).split(" ")[0];
                Properties p = new Properties();
                p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, external);
                p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
                p.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
                p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"ops\" password=\"ops-password\";");
                try (Admin admin = Admin.create(p)) {
                    admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("ops-topic", 1, (short) 1)))
                            .all().get(30, TimeUnit.SECONDS);
                    assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("ops-topic");
                }
            } finally {
                service.stop();
            }
        }
    }
}
