package io.busbar.routes.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.TestBackend;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarService;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.InvalidSettingException;
import io.busbar.routes.ServiceContext;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP listener as a runtime service: off by default, on with busbar.http.enabled, guarded beyond loopback. */
@Tag(TestBackend.BOTH_BACKENDS)
class HttpListenerServiceTest {

    @TempDir
    Path dir;

    private BusbarSettings settings(HttpListenerService service, Map<String, String> values) {
        return BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test", Map.of(), values);
    }

    @Test
    void isFoundOnTheClassPathAndOffByDefault() throws Exception {
        assertThat(BusbarRuntime.discoverServices()).extracting(BusbarService::name).contains("http-listener");
        HttpListenerService service = new HttpListenerService();
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dir).build())) {
            service.start(new ServiceContext(bus, settings(service, Map.of())));
            assertThat(service.endpoints()).isEmpty();
            service.stop();
        }
    }

    @Test
    void servesIngestAndReadApiOnTheConfiguredListener() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        HttpListenerService service = new HttpListenerService();
        BusbarSettings settings = settings(service, Map.of("busbar.http.enabled", "true",
                "busbar.http.listener", "127.0.0.1:" + port, "busbar.http.auto.create.topics", "true",
                "busbar.http.tokens", "t0ken"));
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dir).build())) {
            service.start(new ServiceContext(bus, settings));
            try {
                assertThat(service.endpoints()).containsExactly("http://127.0.0.1:" + port + "/topics");
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/topics/events"))
                        .header("Authorization", "Bearer t0ken").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/topics"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/topics"))
                        .header("Authorization", "Bearer t0ken").build(), HttpResponse.BodyHandlers.ofString());

                assertThat(posted.statusCode()).isEqualTo(200);
                assertThat(anonymous.statusCode()).isEqualTo(401);
                assertThat(listed.body()).contains("\"name\":\"events\"", "\"endOffset\":1");
                assertThat(bus.admin().describeTopic("events").partitions().get(0).endOffset()).isEqualTo(1);
            } finally {
                service.stop();
            }
        }
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        HttpListenerService service = new HttpListenerService();
        BusbarSettings settings = settings(service, Map.of("busbar.http.enabled", "true", "busbar.http.listener", "0.0.0.0:0"));
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dir).build())) {
            assertThatThrownBy(() -> service.start(new ServiceContext(bus, settings)))
                    .isInstanceOf(InvalidSettingException.class).hasMessageContaining("busbar.http.tokens");
        }
    }

    @Test
    void rejectsAListenerWithoutAPort() {
        assertThatThrownBy(() -> settings(new HttpListenerService(), Map.of("busbar.http.listener", "localhost")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("busbar.http.listener");
    }
}
