package io.busbar.kafka.security;

import io.busbar.bus.BusConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.KafkaListener;
import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.handler.KafkaApis;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Python confluent-kafka (librdkafka) over SASL_SSL with SCRAM-SHA-512: produce, consume in a group, and a wrong
 * password that fails and lists no topic. Runs when a python3 with confluent_kafka exists (Debian:
 * python3-confluent-kafka, which .ci/run installs); with CI=true its absence fails the test.
 */
class PythonConfluentKafkaTest {

    private static final String SCRIPT = """
            import sys
            from confluent_kafka import Producer, Consumer
            from confluent_kafka.admin import AdminClient
            bootstrap, ca, password = sys.argv[1], sys.argv[2], sys.argv[3]
            conf = {'bootstrap.servers': bootstrap, 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'SCRAM-SHA-512',
                    'sasl.username': 'py', 'sasl.password': password, 'ssl.ca.location': ca,
                    'ssl.endpoint.identification.algorithm': 'https'}
            if password != 'py-secret':
                try:
                    md = AdminClient(conf).list_topics(timeout=5)
                    print('LISTED', sorted(md.topics))
                except Exception as e:
                    print('REFUSED', type(e).__name__)
                sys.exit(0)
            p = Producer(conf)
            for i in range(3):
                p.produce('py-topic', value=('v%d' % i).encode())
            assert p.flush(30) == 0, 'undelivered records'
            c = Consumer(dict(conf, **{'group.id': 'py-group', 'auto.offset.reset': 'earliest'}))
            c.subscribe(['py-topic'])
            got = []
            for _ in range(60):
                m = c.poll(1.0)
                if m is not None and m.error() is None:
                    got.append(m.value().decode())
                if len(got) == 3:
                    break
            c.close()
            print('CONSUMED', ','.join(got))
            """;

    @TempDir
    Path dir;

    private static String python() throws Exception {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import confluent_kafka").redirectErrorStream(true).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (java.io.IOException e) {
                // not installed: try the next
            }
        }
        return null;
    }

    @Test
    void producesAndConsumesOverSaslSslWithScram() throws Exception {
        String python = python();
        if (python == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("No python3 with confluent_kafka but CI=true: apt-get install -y python3-confluent-kafka, as .ci/run does");
            }
            assumeTrue(false, "No python3 with confluent_kafka: apt-get install -y python3-confluent-kafka");
        }
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path server = certs.keystore("server", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        Path script = Files.writeString(dir.resolve("client.py"), SCRIPT);
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir.resolve("data")).build())) {
            ScramCredentialStore.open(KafkaApis.stateDir(bus)).upsert("py", ScramMechanism.SCRAM_SHA_512, "py-secret", 4096);
            Map<String, String> p = new HashMap<>();
            p.put(KafkaListenerConfig.LISTENERS, "SASL_SSL://127.0.0.1:0");
            p.put(TlsSettings.KEYSTORE_LOCATION, server.toString());
            p.put(TlsSettings.KEYSTORE_PASSWORD, TestCertificates.PASSWORD);
            p.put(SecurityConfig.SUPER_USERS, "User:py");
            try (KafkaListener listener = KafkaListener.start(bus, KafkaListenerConfig.fromProperties(p))) {
                String ok = run(python, script, listener.bootstrapServers(), certs.caPem().toString(), "py-secret");
                assertThat(ok).contains("CONSUMED v0,v1,v2");
                String wrong = run(python, script, listener.bootstrapServers(), certs.caPem().toString(), "wrong");
                assertThat(wrong).contains("REFUSED").doesNotContain("py-topic");
            }
        }
    }

    private static String run(String python, Path script, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("python client did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
