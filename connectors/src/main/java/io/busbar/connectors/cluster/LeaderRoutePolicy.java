package io.busbar.connectors.cluster;

import io.busbar.bus.Bus;
import io.busbar.bus.leader.LeaderElection;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Route;
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
 * the {@link Bus} is taken from the registry unless given.
 *
 * <p>Thread-safe: route starts and stops are handed to Camel's route controller from the election's thread.
 */
public final class LeaderRoutePolicy extends RoutePolicySupport {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderRoutePolicy.class);

    private final String name;
    private final Duration sessionTimeout;
    private Bus bus;
    private volatile LeaderElection election;

    public LeaderRoutePolicy(String name) {
        this(name, null, Duration.ofSeconds(10));
    }

    /** @param sessionTimeout how long a dead leader keeps the lead before another instance takes it */
    public LeaderRoutePolicy(String name, Bus bus, Duration sessionTimeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.bus = bus;
        this.sessionTimeout = sessionTimeout;
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        route.setAutoStartup(false); // the election decides when it runs
        CamelContext context = route.getCamelContext();
        String routeId = route.getRouteId();
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
                LOG.info("Instance leads '{}': starting route {}", name, routeId);
                runQuietly(() -> context.getRouteController().startRoute(routeId));
            }

            @Override
            public void revoked() {
                LOG.info("Instance lost the lead of '{}': stopping route {}", name, routeId);
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

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
