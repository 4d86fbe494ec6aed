package io.busbar.bus.leader;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LeaderElectionTest {
    @TempDir
    Path dir;

    /** Counts leaders across candidates: never more than one at a time. */
    private static final class Tally implements LeaderElection.Listener {
        final AtomicInteger leaders;
        final AtomicInteger maxLeaders;

        Tally(AtomicInteger leaders, AtomicInteger maxLeaders) {
            this.leaders = leaders;
            this.maxLeaders = maxLeaders;
        }

        @Override
        public void elected() {
            maxLeaders.accumulateAndGet(leaders.incrementAndGet(), Math::max);
        }

        @Override
        public void revoked() {
            leaders.decrementAndGet();
        }
    }

    @Test
    void exactlyOneOfThreeInstancesLeadsAndTheLeadMovesWhenItStops() throws Exception {
        String name = "dir-watcher-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger leaders = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        String bootstrap = KafkaBrokerProcess.shared().bootstrapServers();
        try (Bus a = Bus.kafka(KafkaBusConfig.of(bootstrap)); Bus b = Bus.kafka(KafkaBusConfig.of(bootstrap));
             Bus c = Bus.kafka(KafkaBusConfig.of(bootstrap))) {
            LeaderElection ea = LeaderElection.start(a, name, Duration.ofSeconds(6), new Tally(leaders, max));
            LeaderElection eb = LeaderElection.start(b, name, Duration.ofSeconds(6), new Tally(leaders, max));
            LeaderElection ec = LeaderElection.start(c, name, Duration.ofSeconds(6), new Tally(leaders, max));
            await().atMost(Duration.ofSeconds(60)).until(() -> leaders.get() == 1);
            LeaderElection first = ea.isLeader() ? ea : eb.isLeader() ? eb : ec;
            first.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> leaders.get() == 1 && !first.isLeader()
                    && (ea.isLeader() || eb.isLeader() || ec.isLeader()));
            ea.close();
            eb.close();
            ec.close();
        }
        assertThat(max.get()).isEqualTo(1);
        assertThat(leaders.get()).isZero();
    }

    /** Instances that start later (or restart) join the election without moving the lead: no needless failover. */
    @Test
    void candidatesJoiningLaterLeaveTheLeadWithTheLeader() throws Exception {
        String name = "poller-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger leaders = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger firstElected = new AtomicInteger();
        // elections of any candidate: the lead never goes to the second or the third
        AtomicInteger othersElected = new AtomicInteger();
        AtomicInteger firstRevoked = new AtomicInteger();
        String bootstrap = KafkaBrokerProcess.shared().bootstrapServers();
        try (Bus a = Bus.kafka(KafkaBusConfig.of(bootstrap)); Bus b = Bus.kafka(KafkaBusConfig.of(bootstrap));
             Bus c = Bus.kafka(KafkaBusConfig.of(bootstrap))) {
            Tally tally = new Tally(leaders, max);
            LeaderElection first = LeaderElection.start(a, name, Duration.ofSeconds(6), new LeaderElection.Listener() {
                @Override
                public void elected() {
                    firstElected.incrementAndGet();
                    tally.elected();
                }

                @Override
                public void revoked() {
                    firstRevoked.incrementAndGet();
                    tally.revoked();
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(first::isLeader);
            LeaderElection.Listener others = new LeaderElection.Listener() {
                @Override
                public void elected() {
                    othersElected.incrementAndGet();
                    tally.elected();
                }

                @Override
                public void revoked() {
                    tally.revoked();
                }
            };
            try (LeaderElection second = LeaderElection.start(b, name, Duration.ofSeconds(6), others);
                 LeaderElection third = LeaderElection.start(c, name, Duration.ofSeconds(6), others)) {
                // both joined and the group settled: three members in a stable group, and a leader told so
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    var group = a.admin().describeGroup("busbar-leader-" + name);
                    return group.members().size() == 3 && group.state().equalsIgnoreCase("Stable")
                            && leaders.get() == 1;
                });
                assertThat(first.isLeader()).as("the first candidate still leads").isTrue();
                assertThat(second.isLeader() || third.isLeader()).isFalse();
                // eager rebalances tell the leader revoked, then elected again; the lead never went elsewhere
                assertThat(firstElected.get()).as("elections of the first candidate").isEqualTo(firstRevoked.get() + 1);
                assertThat(leaders.get()).isEqualTo(1);
                assertThat(othersElected.get()).as("the later candidates never led").isZero();
            } finally {
                first.close();
            }
        }
        assertThat(max.get()).isEqualTo(1);
    }

    @Test
    void onTheEmbeddedBusTheOnlyInstanceLeads() {
        AtomicInteger leaders = new AtomicInteger();
        try (Bus bus = Bus.open(BusConfig.builder(dir).build());
             LeaderElection e = LeaderElection.start(bus, "poller", Duration.ofSeconds(3), new Tally(leaders, new AtomicInteger()))) {
            await().atMost(Duration.ofSeconds(30)).until(e::isLeader);
            assertThat(leaders.get()).isEqualTo(1);
        }
        assertThat(leaders.get()).isZero();
    }
}
