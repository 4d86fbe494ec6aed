package io.busbar.routes.http;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.InvalidSettingException;
import io.busbar.routes.ServiceContext;
import io.busbar.routes.admin.AdminService;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS on the HTTP listeners from a PKCS12 key store and from PEM files, against certificates this test makes with
 * keytool: a client trusting the CA gets answers, a client trusting another CA does not, and a certificate for another
 * host name is refused by the client's host name verification.
 */
class HttpsListenerTest {

    @TempDir
    static Path dir;

    static TestTls tls;
    static Path caPem;
    static Path otherCaPem;
    static Path localhostKeystore;
    static Path wrongNameKeystore;
    static Bus bus;

    @BeforeAll
    static void makeCertificates() throws Exception {
        tls = new TestTls(Files.createDirectories(dir.resolve("tls")));
        caPem = tls.ca("busbar-test-ca");
        otherCaPem = tls.ca("other-ca");
        localhostKeystore = tls.server("localhost", "busbar-test-ca", "dns:localhost,ip:127.0.0.1");
        wrongNameKeystore = tls.server("elsewhere", "busbar-test-ca", "dns:elsewhere.example");
        bus = Bus.open(BusConfig.builder(Files.createDirectories(dir.resolve("data"))).build());
    }

    @AfterAll
    static void closeBus() {
        bus.close();
    }

    /** An admin service with the given TLS settings on a free port; the caller stops it. */
    private static AdminService admin(int port, Map<String, String> tlsSettings) throws Exception {
        AdminService service = new AdminService();
        Map<String, String> values = new HashMap<>(tlsSettings);
        values.put("busbar.data.dir", dir.resolve("data").toString());
        values.put("busbar.admin.listener", "127.0.0.1:" + port);
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test",
                Map.of(), values);
        service.start(new ServiceContext(bus, settings));
        return service;
    }

    private static HttpResponse<String> get(SSLContext trust, String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHttpsFromAPkcs12KeyStoreToClientsTrustingItsCa() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        AdminService service = admin(port, Map.of("busbar.http.tls.keystore", localhostKeystore.toString(),
                "busbar.http.tls.keystore.password", TestTls.PASSWORD));
        try {
            assertThat(service.endpoints()).containsExactly("https://127.0.0.1:" + port + "/console/");
            HttpResponse<String> byName = get(TestTls.trusting(caPem), "https://localhost:" + port + "/health");
            assertThat(byName.statusCode()).isEqualTo(200);
            assertThat(byName.body()).contains("UP");
            assertThat(get(TestTls.trusting(caPem), "https://127.0.0.1:" + port + "/api/topics").statusCode()).isEqualTo(200);
            // the CLI over HTTPS: trusts the CA it is given, and says what to do when it is the wrong one
            java.io.StringWriter err = new java.io.StringWriter();
            assertThat(io.busbar.routes.BusbarCommand.commandLine().setErr(new java.io.PrintWriter(err)).execute("topics",
                    "list", "--url", "https://localhost:" + port, "--ca-cert", caPem.toString())).as(err.toString()).isZero();
            java.io.StringWriter refused = new java.io.StringWriter();
            assertThat(io.busbar.routes.BusbarCommand.commandLine().setErr(new java.io.PrintWriter(refused)).execute("topics",
                    "list", "--url", "https://localhost:" + port, "--ca-cert", otherCaPem.toString())).isEqualTo(1);
            assertThat(refused.toString()).contains("--ca-cert");
            assertThatThrownBy(() -> get(TestTls.trusting(otherCaPem), "https://localhost:" + port + "/health"))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        } finally {
            service.stop();
        }
    }

    @Test
    void servesHttpsFromPemCertificateAndKeyFiles() throws Exception {
        Path[] pem = tls.pem(localhostKeystore, "localhost");
        int port = AvailablePortFinder.getNextAvailable();
        AdminService service = admin(port, Map.of("busbar.http.tls.cert", pem[0].toString(),
                "busbar.http.tls.key", pem[1].toString()));
        try {
            assertThat(get(TestTls.trusting(caPem), "https://localhost:" + port + "/health").statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> get(TestTls.trusting(otherCaPem), "https://localhost:" + port + "/health"))
                    .isInstanceOf(SSLHandshakeException.class);
        } finally {
            service.stop();
        }
    }

    @Test
    void aCertificateForAnotherHostNameIsRefusedByTheClient() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        AdminService service = admin(port, Map.of("busbar.http.tls.keystore", wrongNameKeystore.toString(),
                "busbar.http.tls.keystore.password", TestTls.PASSWORD));
        try {
            assertThatThrownBy(() -> get(TestTls.trusting(caPem), "https://localhost:" + port + "/health"))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(String.valueOf(e.getMessage()) + e.getCause()).containsIgnoringCase("localhost"));
        } finally {
            service.stop();
        }
    }

    @Test
    void incompleteOrWrongTlsSettingsStopTheStartNamingTheSetting() {
        assertThatThrownBy(() -> admin(AvailablePortFinder.getNextAvailable(), Map.of("busbar.http.tls.cert", caPem.toString())))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("busbar.http.tls.key");
        assertThatThrownBy(() -> admin(AvailablePortFinder.getNextAvailable(), Map.of("busbar.http.tls.keystore",
                localhostKeystore.toString(), "busbar.http.tls.keystore.password", "wrong")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("busbar.http.tls.keystore");
    }
}
