package io.busbar.routes.admin;

import io.busbar.routes.ConfigKey;
import io.busbar.routes.http.HttpKeys;

import java.util.List;

/** Settings of the admin service (REST API, console, metrics). */
public final class AdminKeys {

    public static final ConfigKey ENABLED = ConfigKey.bool("busbar.admin.enabled", true,
            "Serve the admin REST API, the web console and /metrics.");

    public static final ConfigKey LISTENER = new ConfigKey("busbar.admin.listener", "127.0.0.1:8180",
            "host:port (port 0: any free port)",
            "Address of the admin API, console and metrics (the same as busbar.http.listener: one port for both). Beyond loopback it requires an HTTP token.",
            io.busbar.routes.http.ListenerAddress::isValid);

    /** The plain admin token, now one of the settings every HTTP listener shares ({@link HttpKeys}). */
    public static final ConfigKey TOKEN = HttpKeys.ADMIN_TOKEN;

    public static final ConfigKey METRICS_INTERVAL_MS = ConfigKey.longValue("busbar.admin.metrics.interval.ms", 2000,
            100, "How often topics, groups and the data directory are sampled for /metrics and the console's charts.");

    public static final List<ConfigKey> ALL = List.of(ENABLED, LISTENER, METRICS_INTERVAL_MS);

    private AdminKeys() {
    }
}
