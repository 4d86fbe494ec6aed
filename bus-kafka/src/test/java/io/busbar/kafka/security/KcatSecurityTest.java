package io.busbar.kafka.security;

import io.busbar.bus.BusConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.KafkaListener;
import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.handler.KafkaApis;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kcat (librdkafka) over SASL_SSL with SCRAM-SHA-256 and over mTLS (PKCS12 client key store), verifying the server
 * certificate against the test CA. Runs when kcat is on PATH; with CI=true a missing kcat fails (.ci/run installs it).
 */
class KcatSecurityTest {

    @TempDir
    Path dir;
    private TestCertificates certs;
    private EmbeddedBus bus;
    private KafkaListener listener;
    private String kcat;

    @BeforeEach
    void start() throws Exception {
        kcat = findKcat();
        if (kcat == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("kcat is not on PATH but CI=true: install it (apt-get install -y kcat), as .ci/run does");
            }
            assumeTrue(false, "kcat is not on PATH: install it (apt-get install -y kcat) to run this test");
        }
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path server = certs.keystore("server", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        bus = EmbeddedBus.open(BusConfig.builder(dir.resolve("data")).build());
        ScramCredentialStore.open(KafkaApis.stateDir(bus)).upsert("alice", ScramMechanism.SCRAM_SHA_256, "alice-secret", 4096);
        Map<String, String> p = new HashMap<>();
        p.put(KafkaListenerConfig.LISTENERS, "SASL://127.0.0.1:0,MTLS://127.0.0.1:0");
        p.put(KafkaListenerConfig.PROTOCOL_MAP, "SASL:SASL_SSL,MTLS:SSL");
        p.put(TlsSettings.KEYSTORE_LOCATION, server.toString());
        p.put(TlsSettings.KEYSTORE_PASSWORD, TestCertificates.PASSWORD);
        p.put(TlsSettings.TRUSTSTORE_LOCATION, certs.caPem().toString());
        p.put(TlsSettings.TRUSTSTORE_TYPE, "PEM");
        p.put(TlsSettings.CLIENT_AUTH, "requested");
        p.put(SecurityConfig.SUPER_USERS, "User:alice;User:CN=kcat,O=Busbar");
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

    private List<String> sasl(String password) {
        return List.of("-b", listener.bootstrapServers("SASL"), "-X", "security.protocol=SASL_SSL",
                "-X", "sasl.mechanisms=SCRAM-SHA-256", "-X", "sasl.username=alice", "-X", "sasl.password=" + password,
                "-X", "ssl.ca.location=" + certs.caPem(), "-X", "ssl.endpoint.identification.algorithm=https");
    }

    @Test
    void producesAndConsumesOverSaslSslWithScram() throws Exception {
        Result produced = run("one\ntwo\n", sasl("alice-secret"), "-P", "-t", "kcat-sasl");
        assertThat(produced.exit).as(produced.out).isZero();
        Result consumed = run(null, sasl("alice-secret"), "-C", "-t", "kcat-sasl", "-o", "beginning", "-e", "-q");
        assertThat(consumed.exit).as(consumed.out).isZero();
        assertThat(consumed.out.lines().toList()).containsExactly("one", "two");
    }

    @Test
    void aWrongPasswordIsRefusedAndListsNoTopic() throws Exception {
        assertThat(run("x\n", sasl("alice-secret"), "-P", "-t", "kcat-hidden").exit).isZero();
        Result listed = run(null, sasl("wrong"), "-L", "-m", "5");
        assertThat(listed.exit).isNotZero();
        assertThat(listed.out).doesNotContain("kcat-hidden");
    }

    @Test
    void producesOverMutualTls() throws Exception {
        Path client = certs.keystore("kcat", "CN=kcat,O=Busbar", null);
        List<String> mtls = List.of("-b", listener.bootstrapServers("MTLS"), "-X", "security.protocol=SSL",
                "-X", "ssl.ca.location=" + certs.caPem(), "-X", "ssl.keystore.location=" + client,
                "-X", "ssl.keystore.password=" + TestCertificates.PASSWORD);
        Result produced = run("cert\n", mtls, "-P", "-t", "kcat-mtls");
        assertThat(produced.exit).as(produced.out).isZero();
        Result consumed = run(null, mtls, "-C", "-t", "kcat-mtls", "-o", "beginning", "-e", "-q");
        assertThat(consumed.out.lines().toList()).containsExactly("cert");
    }

    private record Result(int exit, String out) { }

    private Result run(String stdin, List<String> common, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(kcat);
        cmd.addAll(common);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kcat did not finish: " + cmd);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String findKcat() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "kcat"))) {
                return Path.of(p, "kcat").toString();
            }
        }
        return null;
    }
}
