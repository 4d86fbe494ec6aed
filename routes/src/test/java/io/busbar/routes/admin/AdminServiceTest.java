package io.busbar.routes.admin;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.TestBackend;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.InvalidSettingException;
import io.busbar.routes.ServiceContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin service's guards: the token, and the refusal to listen beyond loopback without one. */
@Tag(TestBackend.BOTH_BACKENDS)
class AdminServiceTest {

    @TempDir
    Path dir;

    @Test
    void requiresTheTokenForTheApiAndMetricsButNotForHealth() throws Exception {
        try (RunningBusbar busbar = RunningBusbar.start(dir,
                Map.of("generator.yaml", RunningBusbar.SAMPLE_PIPELINES.get("generator.yaml")), Map.of("busbar.admin.token", "s3cret"))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(busbar.url() + "/api/topics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("busbar.admin.token");
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(busbar.url() + "/metrics"))
                    .header("Authorization", "Bearer guess").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(busbar.url() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(busbar.status("GET", "/api/topics")).isEqualTo(200);
            assertThat(busbar.status("GET", "/metrics")).isEqualTo(200);
        }
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        AdminService service = new AdminService();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test",
                Map.of(), Map.of("busbar.admin.listener", "0.0.0.0:0", "busbar.data.dir", dir.toString()));
        try (Bus bus = Bus.open(BusConfig.builder(dir).build())) {
            assertThatThrownBy(() -> service.start(new ServiceContext(bus, settings)))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("0.0.0.0").hasMessageContaining("busbar.admin.token");
            assertThat(service.address()).isNull();
        }
    }

    @Test
    void explainsAListenerPortInUse() throws Exception {
        AdminService service = new AdminService();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Bus bus = Bus.open(BusConfig.builder(dir).build())) {
            BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(service)), Map.of(), "test",
                    Map.of(), Map.of("busbar.admin.listener", "127.0.0.1:" + taken.getLocalPort(),
                            "busbar.data.dir", dir.toString()));
            assertThatThrownBy(() -> service.start(new ServiceContext(bus, settings)))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("cannot be bound").hasMessageContaining("busbar.admin.listener");
        } finally {
            service.stop();
        }
    }

    @Test
    void rejectsAListenerWithoutAPort() {
        assertThatThrownBy(() -> BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(new AdminService())), Map.of(),
                "test", Map.of(), Map.of("busbar.admin.listener", "localhost")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("busbar.admin.listener");
    }
}
