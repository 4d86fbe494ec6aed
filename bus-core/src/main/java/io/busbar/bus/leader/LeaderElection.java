package io.busbar.bus.leader;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Elects one leader among the Busbar instances that share a bus, for work that must run exactly once at a time (a
 * directory watcher, a JDBC poller). Each candidate joins the consumer group {@code busbar-leader-<name>} on the
 * one-partition topic {@code busbar-leader.<name>}: whoever is assigned partition 0 leads. When the leader stops
 * (close) or dies (its session times out), the group hands the partition, and the lead, to another candidate. A
 * candidate that joins later does not take the lead from the current leader (sticky assignment), though the leader
 * sees the rebalance as revoked-then-elected.
 *
 * <p>Works on both backends; on the embedded bus a data directory has one runtime anyway, so the first candidate
 * leads. Callbacks run on the election's own thread. Thread-safe.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    /** Told when this candidate gains or loses the lead. */
    public interface Listener {
        void elected();

        void revoked();
    }

    private final String name;
    private final BusConsumer consumer;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean leader;
    private volatile boolean closed;

    private LeaderElection(Bus bus, String name, Duration sessionTimeout, Listener listener) {
        this.name = name;
        this.listener = listener;
        String topic = topic(name);
        bus.admin().createTopicIfAbsent(topic, 1, Map.of());
        int session = (int) sessionTimeout.toMillis();
        this.consumer = bus.consumer(ConsumerConfig.builder().groupId("busbar-leader-" + name).clientId("busbar-leader")
                .sessionTimeoutMs(session).heartbeatIntervalMs(Math.max(100, session / 5))
                // sticky: a candidate that joins (an instance starting, one restarted) leaves the lead where it is; with
                // range the partition went to whichever member id sorted first, so a join could move the lead to the
                // newcomer. The eager StickyAssignor remembers the previous assignment itself (the cooperative one
                // reads it from the owned partitions, which an eager rebalance has already revoked), and range stays
                // second so that instances of an older version, which offer range only, still agree on a protocol
                // during a rolling upgrade. Eager: the leader is told revoked, then elected again, when a candidate
                // joins (never two leaders at a time)
                .assignmentStrategies(List.of("sticky", "range")).build());
        this.thread = new Thread(this::run, "busbar-leader-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts campaigning for the lead of {@code name}. */
    public static LeaderElection start(Bus bus, String name, Duration sessionTimeout, Listener listener) {
        LeaderElection election = new LeaderElection(bus, name, sessionTimeout, listener);
        election.thread.start();
        return election;
    }

    static String topic(String name) {
        return "busbar-leader." + name;
    }

    public boolean isLeader() {
        return leader;
    }

    private void run() {
        consumer.subscribe(List.of(topic(name)), new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty() && leader) {
                    setLeader(false);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty() && !leader) {
                    setLeader(true);
                }
            }
        });
        try {
            while (!closed) {
                consumer.poll(Duration.ofMillis(500)); // drives the group protocol; the topic carries no data
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("Leader election '{}' failed; this instance no longer campaigns", name, e);
            }
        } finally {
            if (leader) {
                setLeader(false);
            }
            consumer.close();
        }
    }

    private void setLeader(boolean value) {
        leader = value;
        LOG.info("{} the lead of '{}'", value ? "Gained" : "Lost", name);
        try {
            if (value) {
                listener.elected();
            } else {
                listener.revoked();
            }
        } catch (RuntimeException e) {
            LOG.error("Leader listener of '{}' failed", name, e);
        }
    }

    /** Gives up the lead (revoked is called) and leaves the group, so another candidate takes over at once. */
    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
