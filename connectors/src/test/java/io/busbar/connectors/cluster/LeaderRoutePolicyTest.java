package io.busbar.connectors.cluster;

import io.busbar.bus.Bus;
import io.busbar.bus.UnknownGroupException;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Busbar instances (two Camel contexts) on one real Kafka cluster run the same "run once" route: exactly one
 * runs it, and when that instance stops, the other takes over.
 */
class LeaderRoutePolicyTest {

    @Test
    void theRouteRunsOnOneInstanceAndMovesWhenItStops() throws Exception {
        String bootstrap = KafkaBrokerProcess.shared().bootstrapServers();
        String name = "watcher-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger[] ticks = {new AtomicInteger(), new AtomicInteger()};
        List<CamelContext> contexts = new ArrayList<>();
        List<Bus> buses = new ArrayList<>();
        List<LeaderRoutePolicy> policies = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Bus bus = Bus.kafka(KafkaBusConfig.of(bootstrap));
                buses.add(bus);
                LeaderRoutePolicy policy = new LeaderRoutePolicy(name, bus, Duration.ofSeconds(6));
                policies.add(policy);
                AtomicInteger counter = ticks[i];
                CamelContext context = new DefaultCamelContext();
                context.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("timer:poll?period=50").routeId("poller").routePolicy(policy)
                                .process(e -> counter.incrementAndGet());
                    }
                });
                context.start();
                contexts.add(context);
            }
            // the lead may move once when the second instance joins (an eager rebalance): wait until both are members
            // and exactly one leads with its route running
            String group = "busbar-leader-" + name;
            // the group exists only once a member has joined
            await().atMost(Duration.ofSeconds(90)).ignoreExceptionsInstanceOf(UnknownGroupException.class).until(() ->
                    buses.get(0).admin().describeGroup(group).members().size() == 2
                            && "Stable".equalsIgnoreCase(buses.get(0).admin().describeGroup(group).state())
                            && (policies.get(0).isLeader() ^ policies.get(1).isLeader())
                            && ticks[policies.get(0).isLeader() ? 0 : 1].get() > 5);
            int leader = policies.get(0).isLeader() ? 0 : 1;
            int follower = 1 - leader;
            int followerBefore = ticks[follower].get();
            int leaderBefore = ticks[leader].get();
            Thread.sleep(1_000); // a window in which only the leader may run the route
            assertThat(policies.get(leader).isLeader()).isTrue();
            assertThat(ticks[follower].get()).as("the follower does not run the route while the other leads").isEqualTo(followerBefore);
            assertThat(ticks[leader].get()).isGreaterThan(leaderBefore);

            contexts.get(leader).stop(); // the leader's instance shuts down: the lead moves
            await().atMost(Duration.ofSeconds(90)).until(() -> policies.get(follower).isLeader() && ticks[follower].get() > followerBefore + 5);
        } finally {
            contexts.forEach(CamelContext::stop);
            buses.forEach(Bus::close);
        }
    }
}
