package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.routes.admin.PrometheusRegistries;
import io.busbar.routes.http.HttpListeners;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What a {@link BusbarService} is given at start: the bus the pipelines use, the resolved settings (read its own
 * keys with {@code settings.get(key)}), the runtime's one meter registry (services add their meters to it; the
 * admin service publishes it as {@code /metrics}) and the runtime's HTTP listeners (services serve their routes
 * there, sharing a port when they name the same address). Immutable.
 */
public record ServiceContext(Bus bus, BusbarSettings settings, PrometheusMeterRegistry metrics, HttpListeners http) {

    /** A context with a registry and listeners of its own (a service started alone, as in tests). */
    public ServiceContext(Bus bus, BusbarSettings settings) {
        this(bus, settings, PrometheusRegistries.create());
    }

    public ServiceContext(Bus bus, BusbarSettings settings, PrometheusMeterRegistry metrics) {
        this(bus, settings, metrics, new HttpListeners(settings));
    }
}
