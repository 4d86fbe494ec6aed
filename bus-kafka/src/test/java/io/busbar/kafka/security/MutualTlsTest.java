package io.busbar.kafka.security;

import io.busbar.bus.BusConfig;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.KafkaListener;
import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.handler.KafkaApis;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An SSL listener requiring client certificates (mTLS): the certificate's subject is the principal ACLs name; no
 * certificate, no connection; the client verifies the server's host name; and the insecure-bind refusal.
 */
class MutualTlsTest {

    @TempDir
    Path dir;
    private TestCertificates certs;
    private EmbeddedBus bus;
    private KafkaListener listener;

    @BeforeEach
    void setUp() throws Exception {
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        bus = EmbeddedBus.open(BusConfig.builder(dir.resolve("data")).build());
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
        bus.close();
    }

    private KafkaListenerConfig mtls(Path serverKeystore, String host) {
        Map<String, String> p = new HashMap<>();
        p.put(KafkaListenerConfig.LISTENERS, "MTLS://" + host + ":0");
        p.put(KafkaListenerConfig.PROTOCOL_MAP, "MTLS:SSL");
        p.put(KafkaListenerConfig.ADVERTISED_LISTENERS, "MTLS://127.0.0.1:0");
        p.put(TlsSettings.KEYSTORE_LOCATION, serverKeystore.toString());
        p.put(TlsSettings.KEYSTORE_PASSWORD, TestCertificates.PASSWORD);
        p.put(TlsSettings.TRUSTSTORE_LOCATION, certs.truststore().toString());
        p.put(TlsSettings.TRUSTSTORE_PASSWORD, TestCertificates.PASSWORD);
        p.put(TlsSettings.CLIENT_AUTH, "required");
        p.put(SecurityConfig.SUPER_USERS, "User:CN=admin,O=Busbar");
        return KafkaListenerConfig.fromProperties(p);
    }

    @Test
    void theClientCertificateSubjectIsThePrincipalAclsName() throws Exception {
        Path server = certs.keystore("server", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        Path admin = certs.keystore("admin", "CN=admin,O=Busbar", null);
        Path client = certs.keystore("client", "CN=client,O=Busbar", null);
        listener = KafkaListener.start(bus, mtls(server, "127.0.0.1"));
        String bootstrap = listener.bootstrapServers("MTLS");
        try (Admin a = Admin.create(SecureClients.withClientCertificate(SecureClients.tls(bootstrap, certs.truststore()), admin))) {
            // WRITE alone does not include CREATE: the super user creates the topic
            a.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("events", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            a.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "events", PatternType.LITERAL),
                    new AccessControlEntry("User:CN=client,O=Busbar", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all().get(20, TimeUnit.SECONDS);
        }
        Properties clientProps = SecureClients.withClientCertificate(SecureClients.tls(bootstrap, certs.truststore()), client);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(SecureClients.producer(clientProps))) {
            producer.send(new ProducerRecord<>("events", "k", "v")).get(20, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("other", "k", "v")).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(bus.partitionLog(new io.busbar.bus.TopicPartition("events", 0)).logEndOffset()).isEqualTo(1);
        // no client certificate: the TLS handshake fails, nothing is served
        try (Admin noCert = Admin.create(SecureClients.tls(bootstrap, certs.truststore()))) {
            assertThatThrownBy(() -> noCert.listTopics().names().get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void clientsVerifyTheServersHostName() throws Exception {
        Path wrongName = certs.keystore("elsewhere", "CN=elsewhere.example", "dns:elsewhere.example");
        Path admin = certs.keystore("admin", "CN=admin,O=Busbar", null);
        listener = KafkaListener.start(bus, mtls(wrongName, "127.0.0.1"));
        Properties verifying = SecureClients.withClientCertificate(
                SecureClients.tls(listener.bootstrapServers("MTLS"), certs.truststore()), admin);
        try (Admin a = Admin.create(verifying)) {
            assertThatThrownBy(() -> a.listTopics().names().get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
        verifying.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, ""); // verification off: same CA, so it connects
        try (Admin a = Admin.create(verifying)) {
            assertThat(a.listTopics().names().get(20, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void aListenerWithoutAuthenticationBeyondLoopbackRefusesToStart() throws Exception {
        KafkaListenerConfig open = KafkaListenerConfig.onAddress("0.0.0.0", 0);
        assertThatThrownBy(() -> KafkaListener.start(bus, open)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("Kafka listener PLAINTEXT (PLAINTEXT) on 0.0.0.0:0")
                .hasMessageContaining(SecurityConfig.ALLOW_INSECURE + "=true")
                .hasMessageContaining("SASL_SSL");
        // SSL without required client certificates is an open door too
        Path server = certs.keystore("server", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        KafkaListenerConfig sslOnly = mtls(server, "0.0.0.0").withSecurity(mtls(server, "0.0.0.0").security()
                .withTls(mtls(server, "0.0.0.0").security().tls().withClientAuth(TlsSettings.ClientAuth.NONE)));
        assertThatThrownBy(() -> KafkaListener.start(bus, sslOnly)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("MTLS (SSL)");
        // the documented override starts it (and warns at every start)
        listener = KafkaListener.start(bus, open.withSecurity(open.security().withAllowInsecure(true)));
        assertThat(listener.address().getPort()).isPositive();
        listener.close();
        // required client certificates authenticate: allowed beyond loopback
        listener = KafkaListener.start(bus, mtls(server, "0.0.0.0"));
        assertThat(listener.address().getPort()).isPositive();
        assertThat(KafkaApis.stateDir(bus)).isDirectory();
    }
}
