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
