package io.busbar.connectors.bus;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import org.apache.camel.Endpoint;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code bus:} component: endpoints that append exchanges to a topic of the {@link Bus} or consume a topic in a
 * consumer group. It uses the {@code Bus} bound in the Camel registry (the busbar runtime binds one; so do tests),
 * or, when none is bound and {@code dataDir} is set, opens an embedded bus there and closes it when stopped.
 * Only the public {@link Bus} API is used, so the component works on any implementation of it.
 *
 * <p>Thread-safe: the bus is resolved once, under the component's lock.
 */
@Component("bus")
public class BusComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(BusComponent.class);

    /** Kafka's rule for topic names, which the bus shares. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    @Metadata(label = "advanced", autowired = true,
            description = "The bus to use. Found in the registry when there is exactly one; set it to choose.")
    private Bus bus;

    @Metadata(description = "Data directory of an embedded bus this component opens when no Bus is in the registry.")
    private String dataDir;

    @Metadata(description = "Defaults for every endpoint of this component.")
    private BusConfiguration configuration = new BusConfiguration();

    private boolean ownsBus;
    private java.util.concurrent.ExecutorService workerPool;
    private java.util.concurrent.ScheduledExecutorService continuationWatchdog;
    private ContinuationRunner continuations;
    private volatile BusAccessCheck accessCheck = BusAccessCheck.ALLOW_ALL;

    /** Whether pipelines may use a topic or group (set by the runtime from busbar.pipelines.principal). */
    public BusAccessCheck getAccessCheck() {
        return accessCheck;
    }

    public void setAccessCheck(BusAccessCheck accessCheck) {
        this.accessCheck = accessCheck == null ? BusAccessCheck.ALLOW_ALL : accessCheck;
    }

    public BusComponent() {
    }

    public BusComponent(Bus bus) {
        this.bus = bus;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || !TOPIC_NAME.matcher(remaining).matches()) {
            throw new ResolveEndpointFailedException(uri, "Topic name '" + remaining
                    + "' is invalid: use letters, digits, '.', '_' or '-' (at most 249), e.g. bus:orders");
        }
        BusConfiguration endpointConfiguration = configuration.copy();
        endpointConfiguration.setTopic(remaining);
        BusEndpoint endpoint = new BusEndpoint(uri, this, endpointConfiguration);
        setProperties(endpoint, parameters);
        setProperties(endpointConfiguration, parameters);
        return endpoint;
    }

    /** The bus in use: the configured one, else the registry's, else an embedded one on {@code dataDir}. */
    public synchronized Bus resolveBus() {
        if (bus != null) {
            return bus;
        }
        Bus fromRegistry = getCamelContext().getRegistry().findSingleByType(Bus.class);
        if (fromRegistry != null) {
            bus = fromRegistry;
            return bus;
        }
        if (dataDir != null && !dataDir.isBlank()) {
            LOG.info("Opening an embedded bus on {} for the bus: component", dataDir);
            bus = Bus.open(BusConfig.builder(Path.of(dataDir)).build());
            ownsBus = true;
            return bus;
        }
        throw new MissingBusException("The bus: component has no Bus: bind one in the Camel registry"
                + " (e.g. registry.bind(\"bus\", Bus.open(config))), run the pipeline with `busbar run`,"
                + " or set the component option dataDir (camel.component.bus.dataDir=./data)");
    }

    /**
     * What continues exchanges after their records are durable when the endpoint has no {@code workerPool} of its own
     * (see BusConfiguration's workerPool): continuations batched onto a cached pool ({@link ContinuationRunner}).
     */
    synchronized java.util.concurrent.Executor sharedContinuations() {
        if (workerPool == null) {
            // cached, not fixed: a step that sends to bus: synchronously waits for a continuation on this same pool,
            // so a bounded pool could deadlock once every thread waits
            workerPool = getCamelContext().getExecutorServiceManager().newCachedThreadPool(this, "BusWorker");
            continuationWatchdog = getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "BusWorkerWatchdog");
            continuations = new ContinuationRunner(workerPool, continuationWatchdog);
        }
        return continuations;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        synchronized (this) {
            if (workerPool != null) {
                continuations.close();
                getCamelContext().getExecutorServiceManager().shutdownNow(continuationWatchdog);
                getCamelContext().getExecutorServiceManager().shutdownGraceful(workerPool);
                workerPool = null;
                continuations = null;
                continuationWatchdog = null;
            }
        }
        closeOwnedBus();
    }

    @Override
    protected void doShutdown() throws Exception {
        super.doShutdown();
        closeOwnedBus();
    }

    private synchronized void closeOwnedBus() {
        if (ownsBus && bus != null) {
            bus.close();
            bus = null;
            ownsBus = false;
        }
    }

    public Bus getBus() { return bus; }
    public void setBus(Bus bus) { this.bus = bus; }
    public String getDataDir() { return dataDir; }
    public void setDataDir(String dataDir) { this.dataDir = dataDir; }
    public BusConfiguration getConfiguration() { return configuration; }
    public void setConfiguration(BusConfiguration configuration) { this.configuration = configuration; }
}
