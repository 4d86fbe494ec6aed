package io.busbar.routes.admin;

import io.busbar.routes.ConfigKey;

import java.util.List;

/** Settings of the admin service (REST API, console, metrics). */
public final class AdminKeys {

    public static final ConfigKey ENABLED = ConfigKey.bool("busbar.admin.enabled", true,
            "Serve the admin REST API, the web console and /metrics.");

    public static final ConfigKey LISTENER = new ConfigKey("busbar.admin.listener", "127.0.0.1:8180",
            "host:port (port 0: any free port)",
            "Address of the admin API, console and metrics. Beyond loopback it requires busbar.admin.token.",
            v -> ListenerAddress.isValid(v));

    public static final ConfigKey TOKEN = ConfigKey.string("busbar.admin.token", null,
            "Bearer token the admin API and /metrics require (Authorization: Bearer <token>); required when the"
                    + " listener is not a loopback address. /health, /ready, the console's files and /openapi.yaml"
                    + " stay open.");

    public static final ConfigKey METRICS_INTERVAL_MS = ConfigKey.longValue("busbar.admin.metrics.interval.ms", 2000,
            100, "How often topics, groups and the data directory are sampled for /metrics and the console's charts.");

    public static final List<ConfigKey> ALL = List.of(ENABLED, LISTENER, TOKEN, METRICS_INTERVAL_MS);

    private AdminKeys() {
    }
}
