package io.busbar.bus.log;

import io.busbar.bus.Durability;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 at random moments while a child JVM appends (see {@link CrashingAppender}); after each kill the log must
 * open and hold every acknowledged record, in order, with no gap and no duplicate. Cycles:
 * {@code -Dbusbar.crash.cycles} (50; 1000 under -Psoak).
 */
class LogCrashTest {

    /** The test classpath without the logging backend: a quicker child start (slf4j falls back to no-op). */
    private static final String CHILD_CLASSPATH = java.util.Arrays.stream(
                    System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(entry -> !entry.contains("log4j"))
            .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));

    @TempDir
    Path root;

    @Test
    void everyAcknowledgedRecordSurvivesKill9() throws Exception {
        killRepeatedly(Durability.FSYNC, Integer.getInteger("busbar.crash.cycles", 50));
    }

    /** OS durability acknowledges at write: a process crash (not a power loss) must still lose nothing acknowledged. */
    @Test
    void everyAcknowledgedRecordSurvivesKill9UnderOsDurability() throws Exception {
        killRepeatedly(Durability.OS, Math.max(1, Integer.getInteger("busbar.crash.cycles", 50) / 10));
    }

    private void killRepeatedly(Durability durability, int cycles) throws Exception {
        Path dir = root.resolve("crash-0");
        Path childErr = root.resolve("child.err");
        Random random = new Random();
        long highestAcked = -1;
        long totalAcked = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            int killAfterAcks = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(300);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                    "-cp", CHILD_CLASSPATH, CrashingAppender.class.getName(), dir.toString(), durability.name())
                    .redirectError(childErr.toFile())
                    .start();
            long acked = -1;
            int acks = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String line = out.readLine();
                assertThat(line).as("child start in cycle %d (stderr: %s)", cycle, readQuietly(childErr)).startsWith("READY");
                while (acks < killAfterAcks && (line = out.readLine()) != null) {
                    assertThat(line).doesNotStartWith("ERROR");
                    if (line.startsWith("ACK ")) {
                        acked = Math.max(acked, Long.parseLong(line.substring(4)));
                        acks++;
                    }
                }
                // SIGKILL through the handle: Process.destroyForcibly would also close our end of its stdout
                child.toHandle().destroyForcibly();
                // acknowledgements printed before the kill landed count too
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ACK ") && line.length() > 4) {
                        try {
                            acked = Math.max(acked, Long.parseLong(line.substring(4)));
                        } catch (NumberFormatException torn) {
                            // the last line may be cut by the kill
                        }
                    }
                }
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            highestAcked = Math.max(highestAcked, acked);
            totalAcked += acks;
            verify(dir, highestAcked, cycle);
        }
        assertThat(totalAcked).isGreaterThan(cycles);
    }

    private static String readQuietly(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Opens the log as after a crash and checks it: offsets start..end-1 all present, each record's value its offset. */
    private static void verify(Path dir, long highestAcked, int cycle) throws IOException {
        PartitionLog log = PartitionLogs.open(dir, CrashingAppender.PARTITION, CrashingAppender.CONFIG, LogOptions.DEFAULT);
        try {
            assertThat(log.logEndOffset()).as("log end after cycle %d", cycle).isGreaterThan(highestAcked);
            List<Record> records = TestBatches.readAll(log, log.logStartOffset());
            long expected = log.logStartOffset();
            for (Record r : records) {
                assertThat(r.offset()).as("offset after cycle %d", cycle).isEqualTo(expected);
                assertThat(TestBatches.value(r)).isEqualTo(Long.toString(expected));
                expected++;
            }
            assertThat(expected).isEqualTo(log.logEndOffset());
        } finally {
            log.close();
        }
    }
}
