package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.routes.admin.AdminApi;
import io.busbar.routes.admin.ApiRequest;
import io.busbar.routes.admin.ApiResponse;
import io.busbar.routes.admin.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The admin API in-process on a stopped runtime's data directory: opens the embedded bus (which locks the
 * directory, so this fails clearly while a runtime runs on it) and closes it cleanly at the end. Pipeline calls
 * answer that pipelines need a running runtime.
 */
final class LocalAdminClient implements AdminClient {

    private final Path dataDir;
    private final Bus bus;
    private final AdminApi api;

    LocalAdminClient(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            throw new AdminCallException(0, "Data directory " + dataDir + " does not exist: give the busbar.data.dir"
                    + " of a Busbar (its default is ./data)");
        }
        this.dataDir = dataDir;
        this.bus = Bus.open(BusConfig.builder(dataDir).build());
        this.api = AdminApi.over(bus, () -> null);
    }

    @Override
    public JsonNode call(String method, String path, Map<String, String> query, JsonNode body) {
        ApiResponse response = api.handle(ApiRequest.of(method, path, query == null ? Map.of() : query, body));
        JsonNode json = response.body() == null ? MissingNode.getInstance() : Json.MAPPER.valueToTree(response.body());
        if (response.status() >= 400) {
            throw new AdminCallException(response.status(), json.path("detail").asText("status " + response.status()));
        }
        return json;
    }

    @Override
    public String target() {
        return dataDir.toString();
    }

    @Override
    public void close() {
        bus.close();
    }
}
