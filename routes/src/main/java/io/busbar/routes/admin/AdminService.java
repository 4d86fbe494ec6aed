package io.busbar.routes.admin;

import io.busbar.bus.Bus;
import io.busbar.routes.BusbarService;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ConfigKey;
import io.busbar.routes.RuntimeKeys;
import io.busbar.routes.ServiceContext;
import io.busbar.routes.http.HttpListeners;
import io.busbar.routes.http.ListenerAddress;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The operations service of the runtime: the admin REST API, the web console, {@code /metrics} for Prometheus and
 * {@code /health} / {@code /ready}, on {@code busbar.admin.listener} (loopback by default), through the runtime's
 * shared {@link HttpListeners} (same port as the HTTP ingest when both name it). Refuses to start on a non-loopback
 * address without any HTTP token. Started by the runtime through the
 * {@link BusbarService} SPI; {@link #start}, {@link #camelConfigured} and {@link #stop} are called by one thread,
 * {@link #address()} is safe from any.
 */
public final class AdminService implements BusbarService {

    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

    /**
     * A JVM system property that replaces the listener's built-in default (not a value given in a file, the
     * environment or --set): lets a build run every runtime of its tests on free ports.
     */
    static final String DEFAULT_LISTENER_PROPERTY = "busbar.admin.listener";

    private PrometheusMeterRegistry registry;
    private PipelineEvents events;
    private HttpListeners.Served served;
    private ScheduledExecutorService sampler;
    private volatile InetSocketAddress address;
    private volatile CamelContext camel;
    private volatile PipelineOperations pipelines;
    private int sampleFailures; // only the sampler thread

    @Override
    public String name() {
        return "admin";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return AdminKeys.ALL;
    }

    @Override
    public void start(ServiceContext context) throws Exception {
        BusbarSettings settings = context.settings();
        if (!settings.getBoolean(AdminKeys.ENABLED)) {
            LOG.info("Admin API disabled (busbar.admin.enabled=false)");
            return;
        }
        ListenerAddress listener = ListenerAddress.parse(listenerSetting(settings));
        Bus bus = context.bus();
        Path dataDir = settings.getPath(RuntimeKeys.DATA_DIR);
        registry = context.metrics();
        bus.fsyncStats().ifPresent(f -> registry.getPrometheusRegistry().register(new FsyncCollector(f)));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new DiskSpaceMetrics(dataDir.toFile()).bindTo(registry);
        // log events per level (log4j2_events_total{level}): an alert on a rising warn/error count needs no log shipping
        new io.micrometer.core.instrument.binder.logging.Log4j2Metrics().bindTo(registry);
        events = new PipelineEvents(registry);
        MetricsHistory history = new MetricsHistory();
        BusMetrics metrics = new BusMetrics(bus.admin(), registry, dataDir, events, history);
        SourceMetrics sourceMetrics = new SourceMetrics(registry, new SourceOperations(bus));
        FlowMapOperations flows = new FlowMapOperations(bus.admin(), () -> pipelines, history);
        AdminApi api = AdminApi.over(bus, () -> pipelines)
                .add("GET", "/api/metrics/history", r -> ApiResponse.ok(history.since(r.queryLong("since", 0L, 0))))
                .add("GET", "/api/flows", r -> ApiResponse.ok(flows.map()));
        served = context.http().serve("Admin API", AdminKeys.LISTENER.name(), listener,
                AdminRoutes.of(api, registry, this::notReadyReason), AdminRoutes.MAX_BODY_BYTES);
        address = served.address();
        long interval = settings.getLong(AdminKeys.METRICS_INTERVAL_MS);
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "busbar-admin-metrics");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(() -> sampleQuietly(metrics, sourceMetrics), 0, interval, TimeUnit.MILLISECONDS);
        LOG.info("Admin API, console and metrics on {}/ (token {})", served.url(),
                context.http().authenticator().required() ? "required" : "off: no token configured, loopback only");
    }

    private static String listenerSetting(BusbarSettings settings) {
        String fallback = System.getProperty(DEFAULT_LISTENER_PROPERTY);
        if (fallback != null && settings.sourceOf(AdminKeys.LISTENER.name()).equals("default")) {
            return fallback;
        }
        return settings.get(AdminKeys.LISTENER);
    }

    private void sampleQuietly(BusMetrics metrics, SourceMetrics sources) {
        try {
            metrics.sample();
            sources.sample();
            sampleFailures = 0;
        } catch (RuntimeException e) {
            // a sample can race with a topic's deletion or the bus closing; the next one starts afresh.
            // Only a run of failures is worth a warning.
            if (++sampleFailures == 5) {
                LOG.warn("Metrics sampling failed 5 times in a row; /metrics and the console's charts are stale", e);
            } else {
                LOG.debug("Metrics sample failed: {}", e.toString());
            }
        }
    }

    @Override
    public void camelConfigured(CamelContext camelContext) {
        if (events == null) {
            return;
        }
        camelContext.getManagementStrategy().addEventNotifier(events);
        StepStatistics statistics = new StepStatistics();
        camelContext.getCamelContextExtension().addInterceptStrategy(statistics);
        camel = camelContext;
        pipelines = new PipelineOperations(camelContext, events, statistics);
    }

    private String notReadyReason() {
        CamelContext c = camel;
        if (c == null) {
            return "pipelines not loaded yet";
        }
        if (!c.isStarted()) {
            return "Camel is " + c.getStatus();
        }
        return null;
    }

    @Override
    public void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
        if (served != null) {
            served.close();
            served = null;
        }
        // the registry is the runtime's (ServiceContext): other services' meters stay on it
    }

    /** Where the server listens (the real port when 0 was asked), or null when disabled or not started. */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public List<String> endpoints() {
        InetSocketAddress a = address;
        HttpListeners.Served s = served;
        return a == null || s == null ? List.of() : List.of(s.url() + "/console/");
    }
}
