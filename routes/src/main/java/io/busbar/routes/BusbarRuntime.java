package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.kafka.KafkaBusConfig;
import io.busbar.bus.Durability;
import io.busbar.routes.validate.CheckedReload;
import io.busbar.routes.validate.PipelineValidator;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs pipelines on camel-main beside an embedded bus. Order at start: open the bus on {@code busbar.data.dir}, start
 * the {@link BusbarService}s, bind the bus in the registry (the {@code bus:} component finds it there), load the
 * pipeline files and start Camel, print the summary. Order at stop (Ctrl-C, SIGTERM, {@link #stop()} or camel-main's
 * own duration limits): Camel stops its routes gracefully (bus consumers stop polling, let in-flight exchanges
 * finish and commit their offsets), the services stop in reverse order, the bus closes.
 *
 * <p>{@link #run()} blocks its caller; {@link #stop()} is safe from any thread.
 */
public final class BusbarRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(BusbarRuntime.class);

    private final BusbarSettings settings;
    private final PipelineFiles pipelines;
    private final List<BusbarService> services;
    private final String version;
    private final Consumer<String> summaryPrinter;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Main main;
    private volatile boolean stopRequested;

    public BusbarRuntime(BusbarSettings settings, PipelineFiles pipelines, List<BusbarService> services,
                         String version, Consumer<String> summaryPrinter) {
        this.settings = settings;
        this.pipelines = pipelines;
        this.services = List.copyOf(services);
        this.version = version;
        this.summaryPrinter = summaryPrinter;
    }

    /** The services found on the class path ({@code META-INF/services/io.busbar.routes.BusbarService}). */
    public static List<BusbarService> discoverServices() {
        List<BusbarService> found = new ArrayList<>();
        ServiceLoader.load(BusbarService.class).forEach(found::add);
        return found;
    }

    /** Every key the runtime accepts: its own and those of the services. */
    public static List<ConfigKey> knownKeys(List<BusbarService> services) {
        List<ConfigKey> keys = new ArrayList<>(RuntimeKeys.ALL);
        services.forEach(s -> keys.addAll(s.configKeys()));
        return keys;
    }

    /** Runs until stopped; returns once Camel, the services and the bus are closed. */
    public void run() throws Exception {
        Thread hook = new Thread(this::stopAndAwait, "busbar-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        List<BusbarService> started = new ArrayList<>();
        Bus bus = null;
        ServiceContext context = null;
        try {
            bus = openBus();
            context = new ServiceContext(bus, settings);
            for (BusbarService service : services) {
                started.add(service);
                service.start(context);
                LOG.info("Started service {} {}", service.name(), service.endpoints());
            }
            main = createMain(bus, started, context.metrics());
            if (!stopRequested) {
                main.run();
                LOG.info("Pipelines stopped: in-flight exchanges finished, offsets committed");
            }
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                stopService(started.get(i));
            }
            if (context != null) {
                context.http().close(); // listeners a service failed to leave
            }
            if (bus != null) {
                bus.close(); // the embedded bus logs "Bus closed cleanly on <dir>" once flushed and synced
            }
            finished.countDown();
            removeHook(hook);
        }
    }

    /** Asks the runtime to stop; returns at once. */
    public void stop() {
        stopRequested = true;
        Main m = main;
        if (m != null) {
            m.completed();
        }
    }

    /** Blocks until {@link #run()} has closed everything, or the timeout passes. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    /** JVM shutdown hook (Ctrl-C, SIGTERM): the JVM must not exit before offsets are committed and the bus closed. */
    private void stopAndAwait() {
        if (finished.getCount() == 0) {
            return;
        }
        Main m = main;
        List<String> routes = m == null || m.getCamelContext() == null ? List.of()
                : m.getCamelContext().getRoutes().stream().map(r -> r.getRouteId()).sorted().toList();
        LOG.info("Signal received: stopping {} route(s) {}, then the services {}, committing offsets, closing the bus",
                routes.size(), routes, services.stream().map(BusbarService::name).toList());
        stop();
        try {
            if (!finished.await(120, TimeUnit.SECONDS)) {
                LOG.warn("Shutdown did not finish within 120 s; exiting anyway (uncommitted records are redelivered)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            LOG.debug("JVM already shutting down; the shutdown hook stays: {}", e.getMessage());
        }
    }

    private void stopService(BusbarService service) {
        try {
            service.stop();
            LOG.info("Stopped service {}", service.name());
        } catch (Exception e) {
            LOG.warn("Service {} failed to stop cleanly", service.name(), e);
        }
    }

    /** The embedded bus on the data directory, or the Kafka cluster when busbar.bus.backend=kafka. */
    Bus openBus() {
        if (!"kafka".equals(settings.get(RuntimeKeys.BACKEND))) {
            return Bus.open(busConfig());
        }
        Map<String, Object> client = new HashMap<>(settings.passThrough(RuntimeKeys.KAFKA_CLIENT_PREFIX));
        client.put("bootstrap.servers", settings.get(RuntimeKeys.KAFKA_BOOTSTRAP_SERVERS));
        return Bus.kafka(new KafkaBusConfig(client, Map.copyOf(settings.passThrough(RuntimeKeys.KAFKA_PRODUCER_PREFIX)),
                Map.copyOf(settings.passThrough(RuntimeKeys.KAFKA_CONSUMER_PREFIX)),
                (short) settings.getInt(RuntimeKeys.KAFKA_REPLICATION_FACTOR), settings.getInt(RuntimeKeys.DEFAULT_PARTITIONS),
                settings.getBoolean(RuntimeKeys.AUTO_CREATE_TOPICS)));
    }

    BusConfig busConfig() {
        return BusConfig.builder(settings.getPath(RuntimeKeys.DATA_DIR))
                .durability(Durability.valueOf(settings.get(RuntimeKeys.DURABILITY).toUpperCase(Locale.ROOT)))
                .flushIntervalMs(settings.getLong(RuntimeKeys.FLUSH_INTERVAL_MS))
                .defaultPartitions(settings.getInt(RuntimeKeys.DEFAULT_PARTITIONS))
                .autoCreateTopics(settings.getBoolean(RuntimeKeys.AUTO_CREATE_TOPICS))
                .truncateOnCorruption(settings.getBoolean(RuntimeKeys.TRUNCATE_ON_CORRUPTION))
                .cleanerDedupeBufferBytes(settings.getLong(RuntimeKeys.CLEANER_DEDUPE_BUFFER_SIZE))
                .groupInitialRebalanceDelayMs(settings.getLong(RuntimeKeys.GROUP_INITIAL_REBALANCE_DELAY_MS))
                .logFlushThreads(settings.getInt(RuntimeKeys.LOG_FLUSH_THREADS))
                .logPreallocateBytes(settings.getInt(RuntimeKeys.LOG_PREALLOCATE_BYTES))
                .logJournal(settings.getBoolean(RuntimeKeys.LOG_JOURNAL))
                .build();
    }

    /** Edited pipeline files pass the start-up checks before they replace their running routes. */
    private void checkReloadedFiles(CamelContext camel) {
        RouteWatcherReloadStrategy reloader = camel.hasService(RouteWatcherReloadStrategy.class);
        Path directory = pipelines.reloadDirectory();
        if (reloader == null || reloader.getResourceReload() == null || directory == null) {
            return;
        }
        PipelineValidator validator = new PipelineValidator(Thread.currentThread().getContextClassLoader(),
                settings.camelProperties().keySet());
        reloader.setResourceReload(new CheckedReload(reloader.getResourceReload(), validator,
                () -> PipelineFiles.of(List.of(directory)).files()));
    }

    private Main createMain(Bus bus, List<BusbarService> startedServices, MeterRegistry metrics) {
        Main m = new Main();
        m.setAppName("Busbar");
        if (m.getShutdownStrategy() instanceof DefaultMainShutdownStrategy strategy) {
            // our own shutdown hook waits for the bus to close, not only for Camel to stop
            strategy.disableHangupSupport();
        }
        m.bind("bus", bus);
        // camel-micrometer: every route's exchanges and timings, on the registry /metrics publishes
        m.bind(MicrometerConstants.METRICS_REGISTRY_NAME, metrics);
        MicrometerRoutePolicyFactory routeMetrics = new MicrometerRoutePolicyFactory();
        routeMetrics.setMeterRegistry(metrics);
        m.bind("busbarRouteMetrics", routeMetrics);
        MainConfigurationProperties conf = m.configure();
        conf.setName("busbar");
        if (!pipelines.files().isEmpty()) {
            conf.setRoutesIncludePattern(pipelines.includePattern());
        } else {
            conf.setRoutesCollectorEnabled(false); // the bus alone: no routes, not even camel-main's classpath defaults
        }
        if (settings.getBoolean(RuntimeKeys.RELOAD_ENABLED) && pipelines.reloadDirectory() != null) {
            conf.setRoutesReloadEnabled(true);
            conf.setRoutesReloadDirectory(pipelines.reloadDirectory().toString());
            conf.setRoutesReloadDirectoryRecursive(true);
            conf.setRoutesReloadPattern("*.yaml,*.yml,*.java");
            // only the routes of the edited file restart; the other files' routes keep running untouched
            conf.setRoutesReloadRemoveAllRoutes(false);
        }
        settings.camelProperties().forEach(m::addOverrideProperty);
        ClassLoader pipelineLoader = Thread.currentThread().getContextClassLoader(); // with the plugins (Plugins)
        m.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport configuring) {
                configuring.getCamelContext().setApplicationContextClassLoader(pipelineLoader);
            }

            @Override
            public void afterConfigure(BaseMainSupport configured) {
                startedServices.forEach(s -> s.camelConfigured(configured.getCamelContext()));
            }

            @Override
            public void afterStart(BaseMainSupport started) {
                checkReloadedFiles(started.getCamelContext());
                summaryPrinter.accept(StartupSummary.render(version, settings, pipelines, started.getCamelContext(),
                        bus, startedServices));
            }
        });
        return m;
    }
}
