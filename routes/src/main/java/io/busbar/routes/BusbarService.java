package io.busbar.routes;

import org.apache.camel.CamelContext;

import java.util.List;

/**
 * A service that runs beside the pipelines on the same bus, e.g. the Kafka wire listener or an HTTP service.
 * Found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.busbar.routes.BusbarService}; it needs a public no-argument constructor.
 *
 * <p>Lifecycle: the runtime resolves settings (accepting the keys of {@link #configKeys()}), opens the bus, calls
 * {@link #start} on each service, starts the pipelines; on shutdown it stops the pipelines, calls {@link #stop} in
 * reverse order, then closes the bus. A service whose start fails stops the runtime before any pipeline runs.
 */
public interface BusbarService {

    /** Short name for logs and the startup summary, e.g. {@code kafka-listener}. */
    String name();

    /** Settings this service reads (names under {@code busbar.}); the runtime validates and documents them. */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /** Starts the service; called once, after the bus opened. */
    void start(ServiceContext context) throws Exception;

    /**
     * Called once the pipelines are loaded into Camel, before they start: the place to add event notifiers or read
     * routes. Only for services already started; the context is Camel's own (do not stop it).
     */
    default void camelConfigured(CamelContext camelContext) {
    }

    /** Stops the service; called once, before the bus closes, also after a failed start. */
    void stop() throws Exception;

    /** What the service exposes, for the startup summary, e.g. {@code kafka://127.0.0.1:9092}. */
    default List<String> endpoints() {
        return List.of();
    }
}
