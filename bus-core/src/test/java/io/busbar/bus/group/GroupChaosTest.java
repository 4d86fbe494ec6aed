package io.busbar.bus.group;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.embedded.EmbeddedBus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts, stops and kills consumers of one group at random while a producer writes, then checks that every
 * acknowledged record was processed at least once and that no committed offset ever moved backwards.
 * The seed is logged; rerun one with -Dbusbar.group.chaos.seed=N. Steps: -Dbusbar.group.chaos.steps (default 12;
 * 200 in the soak version).
 */
class GroupChaosTest {
    private static final Logger LOG = LoggerFactory.getLogger(GroupChaosTest.class);
    private static final String TOPIC = "events";

    @TempDir
    Path dataDir;

    @Test
    void everyRecordIsProcessedAtLeastOnceAndCommitsNeverGoBackwardsWhileConsumersComeAndGo() throws Exception {
        runChaos(Integer.getInteger("busbar.group.chaos.steps", 12));
    }

    /** The long version, under -Psoak. */
    @Test
    @Tag("soak")
    void soakManyStartsStopsAndKills() throws Exception {
        runChaos(Integer.getInteger("busbar.group.chaos.steps", 200));
    }

    private void runChaos(int steps) throws Exception {
        long seed = Long.getLong("busbar.group.chaos.seed", System.nanoTime());
        LOG.info("GroupChaosTest seed {} steps {}", seed, steps);
        Random random = new Random(seed);

        Set<String> produced = ConcurrentHashMap.newKeySet();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        List<String> backwards = new CopyOnWriteArrayList<>();
        List<ProcessingConsumer> live = new ArrayList<>();
        List<ProcessingConsumer> all = new ArrayList<>();

        try (Bus bus = Bus.open(BusConfig.builder(dataDir).build())) {
            bus.admin().createTopic(TOPIC, 4, Map.of());
            GroupCoordinator coordinator = ((EmbeddedBus) bus).groupCoordinator();

            Thread producer = new Thread(() -> {
                for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                    String v = Integer.toString(i);
                    bus.producer().send(TOPIC, BusRecord.of("k" + i, v)).thenRun(() -> produced.add(v));
                    if (i % 20 == 19) {
                        bus.producer().flush();
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "chaos-producer");
            Thread monitor = new Thread(() -> {
                Map<TopicPartition, Long> highest = new HashMap<>();
                while (!Thread.currentThread().isInterrupted()) {
                    for (Map.Entry<TopicPartition, CommittedOffset> e : coordinator.fetchOffsets("g", null).entrySet()) {
                        long before = highest.getOrDefault(e.getKey(), -1L);
                        if (e.getValue().offset() < before) {
                            backwards.add(e.getKey() + ": " + before + " -> " + e.getValue().offset());
                        }
                        highest.put(e.getKey(), Math.max(before, e.getValue().offset()));
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "chaos-commit-monitor");
            producer.start();
            monitor.start();
            int next = 0;
            try {
                for (int step = 0; step < steps; step++) {
                    int action = random.nextInt(3);
                    if (live.size() < 2 || action == 0 && live.size() < 4) {
                        ProcessingConsumer c = new ProcessingConsumer(bus, ProcessingConsumer.config("g", "c" + next++).build(),
                                TOPIC, r -> processed.add(r.valueAsString()));
                        live.add(c);
                        all.add(c);
                        LOG.info("step {}: started {}", step, c.clientId);
                    } else if (action == 1) {
                        ProcessingConsumer c = live.remove(random.nextInt(live.size()));
                        c.stop();
                        LOG.info("step {}: stopped {}", step, c.clientId);
                    } else {
                        ProcessingConsumer c = live.remove(random.nextInt(live.size()));
                        c.kill();
                        LOG.info("step {}: killed {}", step, c.clientId);
                    }
                    Thread.sleep(200 + random.nextInt(1000));
                }
            } finally {
                producer.interrupt();
                producer.join();
                bus.producer().flush();
            }
            if (live.isEmpty()) {
                ProcessingConsumer c = new ProcessingConsumer(bus, ProcessingConsumer.config("g", "last").build(),
                        TOPIC, r -> processed.add(r.valueAsString()));
                live.add(c);
                all.add(c);
            }
            LOG.info("produced {} records; waiting for the group to process them", produced.size());
            long finalSeed = seed;
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                // a live consumer whose poll loop died would stall its partitions: report why, at once
                for (ProcessingConsumer c : live) {
                    Throwable failed = c.failure.get();
                    if (failed != null) {
                        throw new AssertionError("live consumer " + c.clientId + " failed (seed " + finalSeed + ")", failed);
                    }
                }
                return processed.containsAll(produced);
            });
            monitor.interrupt();
            monitor.join();

            assertThat(produced).hasSizeGreaterThan(100);
            // (a set difference: AssertJ's containsAll is quadratic, too slow for a soak run's 100k records)
            assertThat(produced.stream().filter(v -> !processed.contains(v)).toList()).as("unprocessed records (seed %d)", seed).isEmpty();
            assertThat(backwards).as("committed offsets that moved backwards (seed %d)", seed).isEmpty();
            for (ProcessingConsumer c : live) {
                assertThat(c.failure.get()).as("failure of live consumer %s (seed %d)", c.clientId, seed).isNull();
            }
            for (ProcessingConsumer c : all) {
                c.closeQuietly();
            }
        }
    }
}
