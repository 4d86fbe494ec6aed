package io.busbar.bus.embedded;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a producing bus with SIGKILL at random moments (mid-append, mid-roll, mid-checkpoint) and checks after each
 * reopen that every acknowledged record is there, at its acknowledged offset, with no gaps and no duplicates.
 * Cycles: {@code busbar.crash.cycles} / 5 (the log-level crash test runs the full count). Runs once with the
 * segments fsynced by the group commit (the default) and once with the log journal ({@code busbar.log.journal}) in
 * 4 KiB files, so kills also land in journal writes, rolls, checkpoints and the replay at the next open.
 */
class BusCrashTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "journal={0}")
    @ValueSource(booleans = {false, true})
    void acknowledgedRecordsSurviveSigkill(boolean journal) throws Exception {
        int cycles = Math.max(5, Integer.getInteger("busbar.crash.cycles", 50) / 5);
        Random random = new Random();
        Map<TopicPartition, Map<Long, String>> acked = new HashMap<>();
        long seq = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                    CrashingProducer.class.getName(), dir.toString(), Long.toString(seq), Boolean.toString(journal))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).isEqualTo("READY");
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50 + random.nextInt(400));
            long maxSeq = seq;
            String line;
            while ((line = reader.readLine()) != null) {
                String[] parts = line.split(" ");
                TopicPartition tp = new TopicPartition("crash", Integer.parseInt(parts[1]));
                long s = Long.parseLong(parts[3]);
                acked.computeIfAbsent(tp, k -> new HashMap<>()).put(Long.parseLong(parts[2]), "record-" + s);
                maxSeq = Math.max(maxSeq, s);
                if (System.nanoTime() > killAt && child.isAlive()) {
                    // SIGKILL through the handle: unlike Process.destroyForcibly it keeps our end of the pipe open,
                    // so acknowledgements already written are still read
                    child.toHandle().destroyForcibly();
                }
            }
            child.waitFor(30, TimeUnit.SECONDS);
            seq = maxSeq + 1_000_000; // unacknowledged sends of the killed child may or may not be in the log
            verify(acked, journal);
        }
        assertThat(acked.values().stream().mapToInt(Map::size).sum()).isGreaterThan(cycles);
    }

    private void verify(Map<TopicPartition, Map<Long, String>> acked, boolean journal) {
        try (Bus bus = Bus.open(CrashingProducer.config(dir, journal));
             BusConsumer consumer = bus.consumer(ConsumerConfig.builder().maxPollRecords(10_000).build())) {
            for (var entry : acked.entrySet()) {
                TopicPartition tp = entry.getKey();
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = bus.admin().describeTopic("crash").partitions().get(tp.partition()).endOffset();
                List<ConsumedRecord> all = new ArrayList<>();
                while (consumer.position(tp) < end) {
                    all.addAll(consumer.poll(Duration.ofSeconds(5)));
                }
                for (int i = 0; i < all.size(); i++) {
                    assertThat(all.get(i).offset()).as("no gaps in %s", tp).isEqualTo(all.get(0).offset() + i);
                }
                Map<Long, String> byOffset = new HashMap<>();
                all.forEach(r -> byOffset.put(r.offset(), r.valueAsString()));
                for (var ack : entry.getValue().entrySet()) {
                    assertThat(byOffset.get(ack.getKey())).as("acknowledged offset %d of %s", ack.getKey(), tp).isEqualTo(ack.getValue());
                }
                assertThat(all.stream().map(ConsumedRecord::valueAsString).distinct().count()).as("no duplicates").isEqualTo(all.size());
            }
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
