package io.busbar.bus.powerloss;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM side of {@link PowerLossTest}, run with {@link PowerLossFileSystemProvider} installed. Each cycle opens
 * the bus (the power may go during recovery), checks what earlier cycles had acknowledged, then appends, commits
 * group offsets, and deletes and re-creates a topic until the armed operation cuts the power. Acknowledged means:
 * a send's future completed, {@code commitSync} returned, {@code deleteTopic}/{@code createTopic} returned.
 * <p>
 * Checked after every power loss: every acknowledged record at its acknowledged offset (no gap, no duplicate
 * value), the log end past it (no offset handed out twice), committed offsets never behind the last acknowledged
 * commit, a deleted topic never back with records of its earlier life. Recovery itself must succeed: a log that
 * cannot be opened after a power loss is a failure.
 * <p>
 * Prints {@code OK cycles=N powerLosses=N acked=N} and exits 0, or prints the failure and exits 1.
 * Arguments: data directory, cycles, seed, and {@code journal} to run with the log journal.
 */
public final class PowerLossWorkload {
    private static final String EVENTS = "events";
    private static final String SCRATCH = "scratch";
    private static final String GROUP = "g";
    private static final int PARTITIONS = 3;

    private final Path dir;
    /** With busbar.log.journal, in 4 KiB files: the cuts also fall in journal writes, rolls and checkpoints. */
    private final boolean journal;
    private final Random random;
    private final PowerLossFileSystemProvider power;
    private final Map<TopicPartition, Map<Long, String>> acked = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    /** Incarnation of topic "scratch" whose creation was acknowledged, and its acknowledged values; -1: deleted. */
    private int scratchLife = -1;
    private final List<String> scratchAcked = new ArrayList<>();
    private int nextScratchLife;
    /** A deletion of "scratch" was under way when the power went: it may or may not have happened. */
    private boolean scratchDeleting;
    private long seq;

    private PowerLossWorkload(Path dir, long seed, boolean journal) {
        this.dir = dir;
        this.journal = journal;
        this.random = new Random(new java.util.SplittableRandom(~seed).nextLong());
        this.power = PowerLossFileSystemProvider.installed();
        power.track(dir, seed);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int cycles = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        boolean journal = args.length > 3 && args[3].equals("journal");
        PowerLossWorkload workload = new PowerLossWorkload(dir, seed, journal);
        try {
            int losses = workload.run(cycles);
            long total = workload.acked.values().stream().mapToLong(Map::size).sum();
            System.out.println("OK cycles=" + cycles + " powerLosses=" + losses + " acked=" + total);
            System.exit(0);
        } catch (Throwable e) {
            System.out.println("FAIL seed=" + seed + ": " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private int run(int cycles) throws Exception {
        int losses = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            power.powerOn();
            // a third of the cuts land in the open itself (recovery, checkpoints, leftovers of deletions)
            power.armAfter(random.nextInt(3) == 0 ? 1 + random.nextInt(40) : Long.MAX_VALUE);
            Bus bus;
            try {
                bus = Bus.open(config());
            } catch (RuntimeException e) {
                if (!power.powerLost()) {
                    throw new AssertionError("the bus could not be opened after a power loss", e);
                }
                losses++;
                continue;
            }
            try {
                power.armAfter(Long.MAX_VALUE);
                verify(bus);
                power.armAfter(1 + random.nextInt(600));
                work(bus);
            } finally {
                if (!power.powerLost()) {
                    power.cutPower();
                }
                losses++;
                closeQuietly(bus);
            }
        }
        // a last open without any cut: everything acknowledged over all cycles is there
        power.powerOn();
        try (Bus bus = Bus.open(config())) {
            verify(bus);
        }
        return losses;
    }

    private BusConfig config() {
        // 512-byte preallocation chunks with 2 KiB segments: cuts also fall in zero-filling, trims and appends over zeros
        return BusConfig.builder(dir).retentionCheckIntervalMs(50).logPreallocateBytes(512).logJournal(journal)
                .logJournalFileBytes(4096).build();
    }

    /** Appends, commits and re-creates a topic until the power goes (or a bound is hit, then the power is cut). */
    private void work(Bus bus) {
        try {
            bus.admin().createTopicIfAbsent(EVENTS, PARTITIONS, Map.of("segment.bytes", "2048", "index.interval.bytes", "128"));
            BusConsumer group = bus.consumer(ConsumerConfig.group(GROUP));
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < 400 && !power.powerLost(); i++) {
                int action = random.nextInt(100);
                if (action < 80) {
                    long s = seq++;
                    String value = "event-" + s + "-" + "x".repeat(random.nextInt(120));
                    inFlight.add(bus.producer().send(EVENTS, BusRecord.of(Long.toString(s), value)).thenAccept(md ->
                            acked.computeIfAbsent(new TopicPartition(EVENTS, md.partition()), k -> new ConcurrentHashMap<>())
                                    .put(md.offset(), value)));
                } else if (action < 92) {
                    commitSome(group);
                } else {
                    churnScratch(bus);
                }
                if (inFlight.size() >= 16 || random.nextInt(10) == 0) {
                    awaitQuietly(inFlight);
                }
            }
            awaitQuietly(inFlight);
        } catch (RuntimeException e) {
            if (!power.powerLost()) {
                throw e;
            }
        }
    }

    private void commitSome(BusConsumer group) {
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        for (var entry : acked.entrySet()) {
            long max = entry.getValue().keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
            if (max >= 0) {
                offsets.put(entry.getKey(), new CommittedOffset(max + 1));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        group.commitSync(offsets);
        offsets.forEach((tp, o) -> committed.merge(tp, o.offset(), Math::max));
    }

    /** Deletes "scratch" if it lives, else creates its next life and writes a few records into it. */
    private void churnScratch(Bus bus) {
        if (scratchLife >= 0) {
            scratchDeleting = true;
            bus.admin().deleteTopic(SCRATCH);
            scratchDeleting = false;
            scratchLife = -1;
            scratchAcked.clear();
            return;
        }
        int life = nextScratchLife++;
        bus.admin().createTopic(SCRATCH, 1, Map.of());
        scratchLife = life;
        for (int i = 0; i < 3; i++) {
            String value = "life-" + life + "-" + i;
            bus.producer().send(SCRATCH, BusRecord.of(null, value)).join();
            scratchAcked.add(value);
        }
    }

    private void verify(Bus bus) {
        try (BusConsumer reader = bus.consumer(ConsumerConfig.builder().maxPollRecords(10_000).build())) {
            for (var entry : acked.entrySet()) {
                TopicPartition tp = entry.getKey();
                List<ConsumedRecord> all = readAll(bus, reader, tp);
                Map<Long, String> byOffset = new HashMap<>();
                for (int i = 0; i < all.size(); i++) {
                    check(all.get(i).offset() == all.get(0).offset() + i, "a gap in " + tp + " at index " + i);
                    byOffset.put(all.get(i).offset(), all.get(i).valueAsString());
                }
                check(all.stream().map(ConsumedRecord::valueAsString).distinct().count() == all.size(),
                        "a duplicate value in " + tp);
                for (var ack : entry.getValue().entrySet()) {
                    check(ack.getValue().equals(byOffset.get(ack.getKey())), "acknowledged record at offset "
                            + ack.getKey() + " of " + tp + " lost or changed: " + byOffset.get(ack.getKey()));
                }
            }
            verifyScratch(bus, reader);
        }
        if (!committed.isEmpty()) {
            try (BusConsumer group = bus.consumer(ConsumerConfig.group(GROUP))) {
                Map<TopicPartition, CommittedOffset> now = group.committed(Set.copyOf(committed.keySet()));
                committed.forEach((tp, offset) -> {
                    CommittedOffset c = now.get(tp);
                    check(c != null && c.offset() >= offset, "committed offset of " + tp + " went back: acknowledged "
                            + offset + ", found " + (c == null ? "none" : c.offset()));
                });
            }
        }
    }

    private void verifyScratch(Bus bus, BusConsumer reader) {
        boolean exists = bus.admin().listTopics(false).contains(SCRATCH);
        if (scratchDeleting) {
            // an unacknowledged deletion: either outcome is right, as long as it is one or the other
            scratchDeleting = false;
            if (!exists) {
                scratchLife = -1;
                scratchAcked.clear();
                return;
            }
        }
        if (scratchLife >= 0) {
            check(exists, "topic " + SCRATCH + " (life " + scratchLife + ") was created and acknowledged, but is gone");
        }
        if (!exists) {
            return;
        }
        List<String> values = readAll(bus, reader, new TopicPartition(SCRATCH, 0)).stream()
                .map(ConsumedRecord::valueAsString).toList();
        if (scratchLife < 0) {
            // an unacknowledged creation that happened: the topic must be new, without a record of an earlier life
            check(values.isEmpty(), SCRATCH + " was deleted, then its creation cut short, yet it holds " + values);
            scratchLife = nextScratchLife - 1;
            return;
        }
        String prefix = "life-" + scratchLife + "-";
        for (String v : values) {
            check(v.startsWith(prefix), "re-created topic " + SCRATCH + " holds " + v + " from an earlier life (current life "
                    + scratchLife + ")");
        }
        check(values.containsAll(scratchAcked), SCRATCH + " lost acknowledged records: " + values + " vs " + scratchAcked);
    }

    private static List<ConsumedRecord> readAll(Bus bus, BusConsumer reader, TopicPartition tp) {
        long end = bus.admin().describeTopic(tp.topic()).partitions().get(tp.partition()).endOffset();
        reader.assign(List.of(tp));
        reader.seekToBeginning(List.of(tp));
        List<ConsumedRecord> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reader.position(tp) < end) {
            check(System.nanoTime() < deadline, "reading " + tp + " up to " + end + " timed out at " + reader.position(tp));
            all.addAll(reader.poll(Duration.ofMillis(200)));
        }
        return all;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static void awaitQuietly(List<CompletableFuture<?>> futures) {
        for (CompletableFuture<?> f : futures) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // a send that failed with the power was never acknowledged: nothing is owed for it
            }
        }
        futures.clear();
    }

    private static void closeQuietly(Bus bus) {
        try {
            bus.close();
        } catch (RuntimeException ignored) {
            // closing a bus whose disk just lost power fails; the next cycle opens a fresh one
        }
    }
}
