package io.busbar.connectors.cluster;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A kamelet source ({@code from: kamelet:file-source}) under {@link LeaderRoutePolicy} on two instances sharing one
 * Kafka broker and one directory: the directory is watched by the leader only (the kamelet's own route, where the
 * file consumer runs, is held with the policy's route), and by the other instance once the leader stops.
 */
class LeaderRoutePolicyKameletTest {

    @TempDir
    Path inbox;

    @Test
    void onlyTheLeaderWatchesTheDirectoryAndTheOtherTakesOverWhenItStops() throws Exception {
        String bootstrap = KafkaBrokerProcess.shared().bootstrapServers();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String name = "inbox-" + suffix;
        String topic = "lines-" + suffix;
        List<CamelContext> contexts = new ArrayList<>();
        List<Bus> buses = new ArrayList<>();
        List<LeaderRoutePolicy> policies = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Bus bus = Bus.kafka(KafkaBusConfig.of(bootstrap));
                buses.add(bus);
                LeaderRoutePolicy policy = new LeaderRoutePolicy(name, bus, Duration.ofSeconds(6));
                policies.add(policy);
                CamelContext context = new DefaultCamelContext();
                context.getRegistry().bind("bus", bus);
                RouteBuilder routes = ingestRoute(topic, policy);
                context.addRoutes(routes);
                context.start();
                contexts.add(context);
            }
            String group = "busbar-leader-" + name;
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    buses.get(0).admin().describeGroup(group).members().size() == 2
                            && "Stable".equalsIgnoreCase(buses.get(0).admin().describeGroup(group).state())
                            && policies.get(0).isLeader() ^ policies.get(1).isLeader());
            int leader = policies.get(0).isLeader() ? 0 : 1;
            int follower = 1 - leader;
            await().atMost(Duration.ofSeconds(30)).until(() -> status(contexts.get(leader), "watcher") == ServiceStatus.Started);
            assertThat(status(contexts.get(follower), "watcher")).as("the follower's directory watcher").isEqualTo(ServiceStatus.Stopped);
            assertThat(status(contexts.get(follower), "ingest")).isEqualTo(ServiceStatus.Stopped);

            Path first = Files.writeString(inbox.resolve("first.txt"), "a\nb\nc\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(first));
            assertThat(countRecords(buses.get(0), topic)).as("read by one instance only").isEqualTo(3);

            contexts.get(leader).stop(); // leaves the group: the lead moves at once
            await().atMost(Duration.ofSeconds(90)).until(() -> policies.get(follower).isLeader()
                    && status(contexts.get(follower), "watcher") == ServiceStatus.Started);
            Path second = Files.writeString(inbox.resolve("second.txt"), "d\ne\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(second));
            assertThat(countRecords(buses.get(follower), topic)).isEqualTo(5);
        } finally {
            contexts.forEach(CamelContext::stop);
            buses.forEach(Bus::close);
        }
    }

    @Test
    void aRouteAddedToARunningContextIsRefusedAndItsKameletRouteStopped(@TempDir Path data) throws Exception {
        try (Bus bus = Bus.open(BusConfig.builder(data).build()); CamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("bus", bus);
            context.start();
            assertThatThrownBy(() -> context.addRoutes(ingestRoute("lines", new LeaderRoutePolicy("late"))))
                    .rootCause().hasMessageContaining("only works for routes present when Camel starts");
            assertThat(context.getRoute("watcher")).as("the kamelet's route, created before the refusal").isNotNull();
            assertThat(status(context, "watcher")).as("it must not watch the directory").isEqualTo(ServiceStatus.Stopped);
        }
    }

    private RouteBuilder ingestRoute(String topic, LeaderRoutePolicy policy) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the kamelet's own route, where the file consumer runs, is named "watcher"
                from("kamelet:file-source/watcher?directory=" + inbox + "&topic=" + topic
                        + "&readLockCheckInterval=200&delay=100")
                        .routeId("ingest").routePolicy(policy).to("log:ingested");
            }
        };
    }

    private static ServiceStatus status(CamelContext context, String routeId) {
        Route route = context.getRoute(routeId);
        assertThat(route).as("route %s exists", routeId).isNotNull();
        return context.getRouteController().getRouteStatus(routeId);
    }

    private static long countRecords(Bus bus, String topic) {
        return bus.admin().describeTopic(topic).partitions().stream()
                .mapToLong(p -> p.endOffset() - p.startOffset()).sum();
    }
}
