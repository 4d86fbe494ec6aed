package io.busbar.connectors.cluster;

import io.busbar.bus.Bus;
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
            await().atMost(Duration.ofSeconds(90)).until(() -> policies.get(0).isLeader() ^ policies.get(1).isLeader());
            int leader = policies.get(0).isLeader() ? 0 : 1;
            int follower = 1 - leader;
            await().atMost(Duration.ofSeconds(30)).until(() -> ticks[leader].get() > 5);
            int followerTicks = ticks[follower].get();
            assertThat(followerTicks).as("the follower never ran the route").isZero();

            contexts.get(leader).stop(); // the leader's instance shuts down: the lead moves
            await().atMost(Duration.ofSeconds(90)).until(() -> policies.get(follower).isLeader() && ticks[follower].get() > 5);
        } finally {
            contexts.forEach(CamelContext::stop);
            buses.forEach(Bus::close);
        }
    }
}
