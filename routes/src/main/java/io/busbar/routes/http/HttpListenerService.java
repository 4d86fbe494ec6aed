package io.busbar.routes.http;

import java.util.List;

import io.busbar.connectors.bus.BusComponent;
import io.busbar.connectors.http.HttpIngestConfiguration;
import io.busbar.connectors.http.HttpIngestProcessor;
import io.busbar.connectors.http.HttpListenerRoutes;
import io.busbar.connectors.http.HttpReadApi;
import io.busbar.routes.BusbarService;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ConfigKey;
import io.busbar.routes.InvalidSettingException;
import io.busbar.routes.ServiceContext;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Starts the default HTTP listener of the bus with {@code busbar run} when {@code busbar.http.enabled=true}: the
 * ingest ({@code POST /topics/{topic}}) and the read API ({@code GET /topics...}, {@code /groups...}, SSE streams)
 * on {@code busbar.http.listener} (127.0.0.1:8080 by default), on the runtime's bus. It runs in a Camel context of
 * its own so that it is up before the pipelines start and stays up until after they stop.
 * Started and stopped by one thread (the runtime's); not otherwise thread-safe.
 */
public final class HttpListenerService implements BusbarService {

    static final ConfigKey ENABLED = ConfigKey.bool("busbar.http.enabled", false,
            "Start the HTTP ingest and read API listener (docs/connectors/http-source.md)");
    static final ConfigKey LISTENER = new ConfigKey("busbar.http.listener", "127.0.0.1:8080", "host:port",
            "Address of the HTTP ingest and read API listener", HttpListenerService::validListener);
    static final ConfigKey AUTO_CREATE = ConfigKey.bool("busbar.http.auto.create.topics", false,
            "Create a topic on its first HTTP write instead of answering 404");
    static final ConfigKey MAX_BODY = ConfigKey.integer("busbar.http.max.body.bytes", 1024 * 1024, 1,
            "Largest HTTP request body accepted (413 above)");
    static final ConfigKey MAX_IN_FLIGHT = ConfigKey.integer("busbar.http.max.in.flight.records", 4096, 1,
            "Records written over HTTP but not yet durable beyond which requests get 503 with Retry-After");
    static final ConfigKey HEADERS = new ConfigKey("busbar.http.headers", "", "comma-separated header names",
            "Request headers copied into record headers", v -> true);
    static final ConfigKey TOKENS = new ConfigKey("busbar.http.tokens", "", "comma-separated tokens",
            "Bearer tokens; when set, every HTTP request needs one", v -> true);
    static final ConfigKey TOKENS_FILE = new ConfigKey("busbar.http.tokens.file", "", "a file path",
            "File with one bearer token per line, read at start", v -> true);

    private static final List<ConfigKey> KEYS = List.of(ENABLED, LISTENER, AUTO_CREATE, MAX_BODY, MAX_IN_FLIGHT,
            HEADERS, TOKENS, TOKENS_FILE);

    private CamelContext camel;
    private String endpoint;

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
        String listener = settings.get(LISTENER);
        int colon = listener.lastIndexOf(':');
        String host = listener.substring(0, colon);
        int port = Integer.parseInt(listener.substring(colon + 1));
        String tokens = orEmpty(settings.get(TOKENS));
        String tokensFile = orEmpty(settings.get(TOKENS_FILE));
        if (!isLoopback(host) && tokens.isBlank() && tokensFile.isBlank()) {
            throw new InvalidSettingException("HTTP listener " + listener + " is reachable beyond this machine but no"
                    + " token is set: set busbar.http.tokens or busbar.http.tokens.file, or bind 127.0.0.1");
        }
        HttpIngestConfiguration ingest = new HttpIngestConfiguration();
        ingest.setAutoCreateTopics(settings.getBoolean(AUTO_CREATE));
        ingest.setMaxBodyBytes(settings.getInt(MAX_BODY));
        ingest.setMaxInFlightRecords(settings.getInt(MAX_IN_FLIGHT));
        ingest.setHeaders(orEmpty(settings.get(HEADERS)));
        ingest.setTokens(tokens);
        ingest.setTokensFile(tokensFile);
        HttpReadApi readApi = new HttpReadApi(context.bus());
        readApi.setTokens(tokens);
        readApi.setTokensFile(tokensFile);

        camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("busbar-http");
        camel.addComponent("bus", new BusComponent(context.bus()));
        camel.addRoutes(new HttpListenerRoutes(host, port, new HttpIngestProcessor(context.bus(), ingest), readApi));
        camel.start();
        endpoint = "http://" + host + ":" + port;
    }

    @Override
    public void stop() {
        if (camel != null) {
            camel.stop();
            camel = null;
        }
    }

    @Override
    public List<String> endpoints() {
        return endpoint == null ? List.of() : List.of(endpoint + "/topics");
    }

    private static boolean validListener(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            return port >= 0 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    private static String orEmpty(String v) {
        return v == null ? "" : v;
    }
}
