package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.routes.admin.PrometheusRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What a {@link BusbarService} is given at start: the bus the pipelines use, the resolved settings (read its own
 * keys with {@code settings.get(key)}) and the runtime's one meter registry (services add their meters to it; the
 * admin service publishes it as {@code /metrics}). Immutable.
 */
public record ServiceContext(Bus bus, BusbarSettings settings, PrometheusMeterRegistry metrics) {

    /** A context with a registry of its own (a service started alone, as in tests). */
    public ServiceContext(Bus bus, BusbarSettings settings) {
        this(bus, settings, PrometheusRegistries.create());
    }
}
