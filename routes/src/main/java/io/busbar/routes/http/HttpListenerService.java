package io.busbar.routes.http;

import java.util.List;

import io.busbar.connectors.http.HttpIngestConfiguration;
import io.busbar.connectors.http.HttpIngestProcessor;
import io.busbar.connectors.http.HttpListenerRoutes;
import io.busbar.connectors.http.HttpReadApi;
import io.busbar.routes.BusbarService;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ConfigKey;
import io.busbar.routes.ServiceContext;

/**
 * Serves the HTTP ingest ({@code POST /topics/{topic}}, scope {@code write:<topic>}) and the read API
 * ({@code GET /topics...}, {@code /groups...}, SSE streams; scope {@code read}) with {@code busbar run} when
 * {@code busbar.http.enabled=true}, on {@code busbar.http.listener} (127.0.0.1:8080 by default; set it to the admin
 * listener's address to serve both on one port), through the runtime's shared {@link HttpListeners}: up before the
 * pipelines start, until after they stop. Started and stopped by one thread (the runtime's); not otherwise
 * thread-safe.
 */
public final class HttpListenerService implements BusbarService {

    static final ConfigKey ENABLED = ConfigKey.bool("busbar.http.enabled", false,
            "Start the HTTP ingest and read API listener (docs/connectors/http-source.md)");
    static final ConfigKey LISTENER = new ConfigKey("busbar.http.listener", "127.0.0.1:8080", "host:port",
            "Address of the HTTP ingest and read API (the admin listener's address serves both on one port)",
            ListenerAddress::isValid);
    static final ConfigKey AUTO_CREATE = ConfigKey.bool("busbar.http.auto.create.topics", false,
            "Create a topic on its first HTTP write instead of answering 404");
    static final ConfigKey MAX_BODY = ConfigKey.integer("busbar.http.max.body.bytes", 1024 * 1024, 1,
            "Largest HTTP request body accepted (413 above)");
    static final ConfigKey MAX_IN_FLIGHT = ConfigKey.integer("busbar.http.max.in.flight.records", 4096, 1,
            "Records written over HTTP but not yet durable beyond which requests get 503 with Retry-After");
    static final ConfigKey HEADERS = new ConfigKey("busbar.http.headers", "", "comma-separated header names",
            "Request headers copied into record headers", v -> true);

    private static final List<ConfigKey> KEYS = List.of(ENABLED, LISTENER, AUTO_CREATE, MAX_BODY, MAX_IN_FLIGHT, HEADERS);

    private HttpListeners.Served served;

    @Override
    public String name() {
        return "http-listener";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public void start(ServiceContext context) throws Exception {
        BusbarSettings settings = context.settings();
        if (!settings.getBoolean(ENABLED)) {
            return;
        }
        HttpIngestConfiguration ingest = new HttpIngestConfiguration();
        ingest.setAutoCreateTopics(settings.getBoolean(AUTO_CREATE));
        ingest.setMaxBodyBytes(settings.getInt(MAX_BODY));
        ingest.setMaxInFlightRecords(settings.getInt(MAX_IN_FLIGHT));
        String headers = settings.get(HEADERS);
        ingest.setHeaders(headers == null ? "" : headers);
        served = context.http().serve("HTTP ingest", LISTENER.name(), ListenerAddress.parse(settings.get(LISTENER)),
                HttpListenerRoutes.ingestRoutes(new HttpIngestProcessor(context.bus(), ingest), new HttpReadApi(context.bus())),
                4L * ingest.getMaxBodyBytes());
    }

    @Override
    public void stop() {
        if (served != null) {
            served.close();
            served = null;
        }
    }

    @Override
    public List<String> endpoints() {
        HttpListeners.Served s = served;
        return s == null ? List.of() : List.of(s.url() + "/topics");
    }
}
