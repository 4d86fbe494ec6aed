package io.busbar.bus.group;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.OffsetResetPolicy;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumer-group benchmark runner (not a unit test): consume throughput of one group with 1 and 4 members over a
 * 4-partition topic (commitSync after every poll, as a pipeline does), and the time a rebalance takes when a fifth
 * member joins a group of 4. Prints one line per figure. See docs/performance.md "Consumer groups" for the command.
 *
 * <p>Arguments: records (default 1,000,000), value bytes (100), rebalance rounds (10).
 */
public final class GroupBench {
    private static final String TOPIC = "bench";

    private GroupBench() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = Files.createTempDirectory("busbar-group-bench");
        try (Bus bus = Bus.open(BusConfig.builder(dir).build())) {
            bus.admin().createTopic(TOPIC, 4, Map.of());
            preload(bus, records, valueBytes);
            consume(bus, "warmup", 4, records, true);
            for (boolean commit : new boolean[]{true, false}) {
                for (int members : new int[]{1, 4}) {
                    double[] rates = new double[3];
                    for (int run = 0; run < rates.length; run++) {
                        long ns = consume(bus, "g" + members + commit + run, members, records, commit);
                        rates[run] = records / (ns / 1e9);
                    }
                    Arrays.sort(rates);
                    System.out.printf("consume members=%d commitSync-per-poll=%s records=%d: median %.0f records/s (%.1f MB/s), runs %s%n",
                            members, commit, records, rates[1], rates[1] * valueBytes / 1e6, Arrays.toString(
                                    Arrays.stream(rates).mapToLong(Math::round).toArray()));
                }
            }
            for (String assignor : List.of("range", "cooperative-sticky")) {
                for (int heartbeatMs : new int[]{3000, 500}) {
                    rebalance(bus, assignor, heartbeatMs, rounds);
                }
            }
        }
    }

    private static void preload(Bus bus, int records, int valueBytes) {
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'x');
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            bus.producer().send(TOPIC, BusRecord.of(("k" + i).getBytes(), value));
        }
        bus.producer().flush();
        System.out.printf("preloaded %d records of %d bytes in %.1f s%n", records, valueBytes, (System.nanoTime() - start) / 1e9);
    }

    /** Runs one group of {@code members} consumers (committing after each poll or not) until they have consumed every record; returns nanoseconds from the first record to the last. */
    private static long consume(Bus bus, String group, int members, int records, boolean commit) throws InterruptedException {
        AtomicLong consumed = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        CountDownLatch done = new CountDownLatch(members);
        for (int m = 0; m < members; m++) {
            String clientId = group + "-" + m;
            Thread t = new Thread(() -> {
                try (BusConsumer c = bus.consumer(ConsumerConfig.builder().groupId(group).clientId(clientId).build())) {
                    c.subscribe(List.of(TOPIC), RebalanceListener.NONE);
                    while (consumed.get() < records) {
                        List<ConsumedRecord> batch = c.poll(Duration.ofMillis(100));
                        if (batch.isEmpty()) {
                            continue;
                        }
                        first.compareAndSet(0, System.nanoTime());
                        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
                        for (ConsumedRecord r : batch) {
                            offsets.put(r.topicPartition(), new CommittedOffset(r.offset() + 1));
                        }
                        if (commit) {
                            c.commitSync(offsets);
                        }
                        if (consumed.addAndGet(batch.size()) >= records) {
                            last.set(System.nanoTime());
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, clientId);
            t.start();
        }
        done.await();
        return last.get() - first.get();
    }

    /** A group of 4 idle members; a fifth joins `rounds` times; time from its subscribe until the group is Stable with it. */
    private static void rebalance(Bus bus, String assignor, int heartbeatMs, int rounds) throws Exception {
        String group = "rebalance-" + assignor + "-" + heartbeatMs;
        GroupCoordinator coordinator = ((EmbeddedBus) bus).groupCoordinator();
        List<Poller> members = new ArrayList<>();
        for (int m = 0; m < 4; m++) {
            members.add(new Poller(bus, config(group, "m" + m, assignor, heartbeatMs)));
        }
        awaitStable(coordinator, group, 4);
        long[] ms = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            Poller joining = new Poller(bus, config(group, "joiner", assignor, heartbeatMs));
            awaitStable(coordinator, group, 5);
            ms[round] = (System.nanoTime() - start) / 1_000_000;
            joining.close();
            awaitStable(coordinator, group, 4);
        }
        members.forEach(Poller::close);
        Arrays.sort(ms);
        System.out.printf("rebalance assignor=%s heartbeat.interval.ms=%d: 4 -> 5 members median %d ms, max %d ms (%d rounds)%n",
                assignor, heartbeatMs, ms[rounds / 2], ms[rounds - 1], rounds);
    }

    private static ConsumerConfig config(String group, String clientId, String assignor, int heartbeatMs) {
        // latest: the members start at the end of the topic, so they are idle (no backlog) while the rebalances run
        return ConsumerConfig.builder().groupId(group).clientId(clientId).assignmentStrategies(List.of(assignor))
                .autoOffsetReset(OffsetResetPolicy.LATEST)
                .heartbeatIntervalMs(heartbeatMs).sessionTimeoutMs(Math.max(10_000, heartbeatMs * 3)).build();
    }

    /** Stable with {@code members} members whose assignments cover all 4 partitions (so the newcomer has synced too). */
    private static void awaitStable(GroupCoordinator coordinator, String group, int members) throws InterruptedException {
        while (true) {
            GroupSnapshot s = coordinator.groupSnapshot(group).orElse(null);
            if (s != null && s.state() == GroupState.STABLE && s.members().size() == members
                    && s.members().stream().mapToInt(m -> ConsumerProtocolCodec.assignedPartitionsOrEmpty(m.assignment()).size()).sum() == 4) {
                return;
            }
            Thread.sleep(1);
        }
    }

    /** A member that polls (there are no new records) on its own thread until closed. */
    private static final class Poller implements RebalanceListener {
        private final Thread thread;
        private volatile boolean running = true;

        Poller(Bus bus, ConsumerConfig config) {
            thread = new Thread(() -> {
                try (BusConsumer c = bus.consumer(config)) {
                    c.subscribe(List.of(TOPIC), this);
                    while (running) {
                        c.poll(Duration.ofMillis(100));
                    }
                }
            }, config.clientId());
            thread.start();
        }

        void close() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }
}
