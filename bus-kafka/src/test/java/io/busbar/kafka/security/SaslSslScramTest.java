package io.busbar.kafka.security;

import io.busbar.bus.BusConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.KafkaListener;
import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.handler.KafkaApis;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kafka-clients over SASL_SSL with SCRAM (and PLAIN) against a CA and server certificate the test makes, beside a
 * loopback PLAINTEXT listener: users and ACLs managed through Kafka's admin APIs, ACL denials, wrong passwords.
 */
class SaslSslScramTest {

    @TempDir
    Path dir;
    private TestCertificates certs;
    private Path serverKeystore;
    private EmbeddedBus bus;
    private KafkaListener listener;

    @BeforeEach
    void start() throws Exception {
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        serverKeystore = certs.keystore("server", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        bus = EmbeddedBus.open(BusConfig.builder(dir.resolve("data")).build());
        // the first super user is added to the store directly, as `busbar users add` does on a stopped broker
        ScramCredentialStore.open(KafkaApis.stateDir(bus)).upsert("admin",
                org.apache.kafka.common.security.scram.internals.ScramMechanism.SCRAM_SHA_512, "admin-secret", 4096);
        startListener();
    }

    private void startListener() {
        Map<String, String> p = new HashMap<>();
        p.put(KafkaListenerConfig.LISTENERS, "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0");
        p.put(KafkaListenerConfig.PROTOCOL_MAP, "INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL");
        p.put(TlsSettings.KEYSTORE_LOCATION, serverKeystore.toString());
        p.put(TlsSettings.KEYSTORE_PASSWORD, TestCertificates.PASSWORD);
        p.put(SecurityConfig.SASL_MECHANISMS, "SCRAM-SHA-256,SCRAM-SHA-512,PLAIN");
        p.put(SecurityConfig.SUPER_USERS, "User:admin");
        listener = KafkaListener.start(bus, KafkaListenerConfig.fromProperties(p));
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    private Properties as(String mechanism, String user, String password) {
        return SecureClients.saslSsl(listener.bootstrapServers("EXTERNAL"), certs.truststore(), mechanism, user, password);
    }

    private Admin admin() {
        return Admin.create(as("SCRAM-SHA-512", "admin", "admin-secret"));
    }

    /** admin creates alice (SCRAM-SHA-256), topics and alice's ACLs through the Kafka admin APIs. */
    private void provisionAlice() throws Exception {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), "alice-secret"))).all().get(20, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic("orders.eu", 1, (short) 1), new NewTopic("orders.secret", 1, (short) 1),
                    new NewTopic("payments", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            admin.createAcls(List.of(
                    acl(ResourceType.TOPIC, "orders.", PatternType.PREFIXED, AclOperation.WRITE, AclPermissionType.ALLOW),
                    acl(ResourceType.TOPIC, "orders.", PatternType.PREFIXED, AclOperation.READ, AclPermissionType.ALLOW),
                    acl(ResourceType.TOPIC, "orders.secret", PatternType.LITERAL, AclOperation.ALL, AclPermissionType.DENY),
                    acl(ResourceType.GROUP, "billing", PatternType.LITERAL, AclOperation.READ, AclPermissionType.ALLOW)))
                    .all().get(20, TimeUnit.SECONDS);
        }
    }

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, AclOperation op, AclPermissionType perm) {
        return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry("User:alice", "*", op, perm));
    }

    @Test
    void aUserCreatedThroughTheAdminApiProducesAndConsumesWhatHerAclsAllow() throws Exception {
        provisionAlice();
        try (Admin admin = admin()) {
            Map<String, UserScramCredentialsDescription> users = admin.describeUserScramCredentials().all().get(20, TimeUnit.SECONDS);
            assertThat(users).containsKeys("admin", "alice");
            assertThat(users.get("alice").credentialInfos()).extracting(ScramCredentialInfo::iterations).containsExactly(8192);
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(20, TimeUnit.SECONDS)).hasSize(4);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(SecureClients.producer(as("SCRAM-SHA-256", "alice", "alice-secret")))) {
            producer.send(new ProducerRecord<>("orders.eu", "k", "first")).get(20, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(SecureClients.consumer(
                as("SCRAM-SHA-256", "alice", "alice-secret"), "billing"))) {
            consumer.subscribe(List.of("orders.eu"));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records = consumer.poll(Duration.ofMillis(500));
            }
            assertThat(records.count()).isEqualTo(1);
            assertThat(records.iterator().next().value()).isEqualTo("first");
            consumer.commitSync();
        }
        // PLAIN is checked against the same salted store
        try (Admin alice = Admin.create(as("PLAIN", "alice", "alice-secret"))) {
            assertThat(alice.listTopics().names().get(20, TimeUnit.SECONDS)).containsExactlyInAnyOrder("orders.eu");
        }
        String stored = Files.readString(KafkaApis.stateDir(bus).resolve("scram-credentials"), StandardCharsets.UTF_8);
        assertThat(stored).contains("alice SCRAM-SHA-256 8192 ").doesNotContain("alice-secret").doesNotContain("admin-secret");
    }

    @Test
    void aclDenialsGiveTopicAndGroupAuthorizationFailed() throws Exception {
        provisionAlice();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(SecureClients.producer(as("SCRAM-SHA-256", "alice", "alice-secret")))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("payments", "k", "v")).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            // the DENY on orders.secret wins over the PREFIXED allow on orders.
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("orders.secret", "k", "v")).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(SecureClients.consumer(
                as("SCRAM-SHA-256", "alice", "alice-secret"), "not-billing"))) {
            consumer.subscribe(List.of("orders.eu"));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(20))).isInstanceOf(GroupAuthorizationException.class);
        }
        assertThat(bus.topic("payments").orElseThrow().name()).isEqualTo("payments");
        assertThat(bus.partitionLog(new io.busbar.bus.TopicPartition("payments", 0)).logEndOffset()).isZero();
    }

    @Test
    void oneProduceRequestToAnAllowedAndADeniedTopicIsAnsweredPerTopic() throws Exception {
        provisionAlice();
        try (Admin admin = admin()) { // alice may see payments (so both land in one request) but not write it
            admin.createAcls(List.of(acl(ResourceType.TOPIC, "payments", PatternType.LITERAL, AclOperation.DESCRIBE,
                    AclPermissionType.ALLOW))).all().get(20, TimeUnit.SECONDS);
        }
        Properties p = SecureClients.producer(as("SCRAM-SHA-256", "alice", "alice-secret"));
        p.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, "200"); // one request for both
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.partitionsFor("orders.eu");
            producer.partitionsFor("payments");
            var allowed = producer.send(new ProducerRecord<>("orders.eu", "k", "allowed"));
            var denied = producer.send(new ProducerRecord<>("payments", "k", "denied"));
            assertThat(allowed.get(20, TimeUnit.SECONDS).offset()).isZero();
            assertThatThrownBy(() -> denied.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(bus.partitionLog(new io.busbar.bus.TopicPartition("orders.eu", 0)).logEndOffset()).isEqualTo(1);
        assertThat(bus.partitionLog(new io.busbar.bus.TopicPartition("payments", 0)).logEndOffset()).isZero();
    }

    @Test
    void aWrongPasswordIsRefusedAndSeesNoTopic() throws Exception {
        provisionAlice();
        for (String mechanism : List.of("SCRAM-SHA-256", "PLAIN")) {
            try (Admin intruder = Admin.create(as(mechanism, "alice", "wrong-password"))) {
                assertThatThrownBy(() -> intruder.listTopics().names().get(20, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
        try (Admin nobody = Admin.create(as("SCRAM-SHA-512", "mallory", "any"))) {
            assertThatThrownBy(() -> nobody.listTopics().names().get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void theLoopbackPlaintextListenerIsAnonymousAndDeniedByDefault() throws Exception {
        provisionAlice();
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers("INTERNAL"));
        try (Admin anonymous = Admin.create(p)) {
            assertThat(anonymous.listTopics().names().get(20, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void usersAndAclsSurviveARestart() throws Exception {
        provisionAlice();
        listener.close();
        startListener();
        try (Admin alice = Admin.create(as("SCRAM-SHA-256", "alice", "alice-secret"))) {
            assertThat(alice.listTopics().names().get(20, TimeUnit.SECONDS)).isEqualTo(Set.of("orders.eu"));
        }
    }
}
