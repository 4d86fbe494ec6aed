package io.busbar.connectors.cluster;

import io.busbar.bus.Bus;
import io.busbar.bus.leader.LeaderElection;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Route;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;

/**
 * Runs a route on exactly one Busbar instance at a time: for sources that must not run twice (a directory watcher,
 * a JDBC poller) when several runtimes share a bus on a Kafka cluster. The route does not start by itself; it starts
 * when this instance wins the {@link LeaderElection} named {@code name} and stops when it loses it (the source resumes
 * from its position stored in the bus). Java DSL: {@code from(...).routePolicy(new LeaderRoutePolicy("orders-watcher"))};
 * the {@link Bus} is taken from the registry unless given. YAML: declare it as a bean and name it in the route's
 * {@code routePolicy} (docs/runtime.md, "Sources that run on one instance").
 *
 * <p>When the route consumes from a kamelet ({@code from: kamelet:file-source}), the source itself runs in the route
 * the kamelet creates, not in this one: that route is held too, so it starts only with the lead and stops with it.
 *
 * <p>Thread-safe: route starts and stops are handed to Camel's route controller from the election's thread.
 */
public final class LeaderRoutePolicy extends RoutePolicySupport {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderRoutePolicy.class);

    private final String name;
    private volatile Duration sessionTimeout;
    private Bus bus;
    private volatile LeaderElection election;
    /** The route a kamelet source runs in, started after and stopped before the policy's own route; or null. */
    private volatile String kameletRouteId;

    public LeaderRoutePolicy(String name) {
        this(name, null, Duration.ofSeconds(10));
    }

    /** @param sessionTimeout how long a dead leader keeps the lead before another instance takes it */
    public LeaderRoutePolicy(String name, Bus bus, Duration sessionTimeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.bus = bus;
        setSessionTimeout(sessionTimeout);
    }

    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    /** Before the Camel context starts: once the election runs, its session timeout is fixed. */
    public void setSessionTimeout(Duration sessionTimeout) {
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        if (sessionTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("LeaderRoutePolicy '" + name + "': sessionTimeout " + sessionTimeout
                    + " is too short: use at least 1 s (the lead moves that long after an instance dies)");
        }
        this.sessionTimeout = sessionTimeout;
    }

    /** For YAML beans ({@code properties: {sessionTimeoutMs: 5000}}): {@link #setSessionTimeout} in milliseconds. */
    public void setSessionTimeoutMs(long millis) {
        setSessionTimeout(Duration.ofMillis(millis));
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        route.setAutoStartup(false); // the election decides when it runs
        CamelContext context = route.getCamelContext();
        String routeId = route.getRouteId();
        String kamelet = route.getEndpoint() instanceof KameletEndpoint k ? k.getRouteId() : null;
        if (context.isStarted()) {
            refuseRunningContext(context, routeId, kamelet);
        }
        if (kamelet != null) {
            holdKameletRoute(context, kamelet);
        }
        try {
            context.addStartupListener(new ExtendedStartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                    // not yet: routes are still starting
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                    campaign(ctx, routeId);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("LeaderRoutePolicy '" + name + "' cannot watch the Camel context start", e);
        }
    }

    /**
     * A route added to a running context (a hot reload) would never campaign: the context's start, which starts the
     * election, is over. Camel has already started a kamelet's route by then (it starts it as it creates it), so it
     * is stopped before the route is refused, or it would run on every instance.
     */
    private void refuseRunningContext(CamelContext context, String routeId, String kamelet) {
        if (kamelet != null && context.getRoute(kamelet) != null) {
            runQuietly(() -> context.getRouteController().stopRoute(kamelet));
        }
        throw new IllegalStateException("LeaderRoutePolicy '" + name + "' on route " + routeId + " only works for"
                + " routes present when Camel starts, not for routes added to a running context (hot reload):"
                + " restart the runtime to apply the change (busbar.reload.enabled=false avoids the reload)");
    }

    /**
     * Keeps the kamelet's route from starting with the context: it would poll on every instance. Camel creates that
     * route after this one is initialised, so a route policy factory holds it when it is created.
     */
    private void holdKameletRoute(CamelContext context, String id) {
        kameletRouteId = id;
        context.addRoutePolicyFactory((ctx, createdId, node) -> id.equals(createdId) ? new HeldByLeader() : null);
    }

    /** Starts campaigning for the lead (once the Camel context has fully started). */
    synchronized void campaign(CamelContext context, String routeId) {
        if (election != null) {
            return;
        }
        Bus theBus = bus != null ? bus : context.getRegistry().findSingleByType(Bus.class);
        if (theBus == null) {
            throw new IllegalStateException("LeaderRoutePolicy '" + name + "' needs a Bus in the Camel registry");
        }
        bus = theBus;
        election = LeaderElection.start(theBus, name, sessionTimeout, new LeaderElection.Listener() {
            @Override
            public void elected() {
                String source = kameletRouteId;
                LOG.info("Instance leads '{}': starting route {}{}", name, routeId, source == null ? "" : " and its kamelet route " + source);
                runQuietly(() -> context.getRouteController().startRoute(routeId));
                if (source != null) {
                    // after the consuming route: the kamelet hands its exchanges to that route's consumer
                    runQuietly(() -> context.getRouteController().startRoute(source));
                }
            }

            @Override
            public void revoked() {
                String source = kameletRouteId;
                LOG.info("Instance lost the lead of '{}': stopping route {}{}", name, routeId, source == null ? "" : " and its kamelet route " + source);
                if (source != null) {
                    // first the source, so no file or row is picked up without a consumer to hand it to
                    runQuietly(() -> context.getRouteController().stopRoute(source));
                }
                runQuietly(() -> context.getRouteController().stopRoute(routeId));
            }
        });
    }

    public boolean isLeader() {
        LeaderElection e = election;
        return e != null && e.isLeader();
    }

    @Override
    protected void doStop() throws Exception {
        LeaderElection e = election;
        election = null;
        if (e != null) {
            e.close();
        }
        super.doStop();
    }

    private void runQuietly(ThrowingRunnable action) {
        try {
            action.run();
        } catch (Exception e) {
            LOG.error("Leader route policy '{}' could not change its route", name, e);
        }
    }

    /** On the kamelet's route: it does not start with the Camel context; the leader's policy starts it. */
    private static final class HeldByLeader extends RoutePolicySupport {
        @Override
        public void onInit(Route route) {
            super.onInit(route);
            route.setAutoStartup(false);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
