package io.busbar.connectors.file;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills (SIGKILL) a runtime in the middle of a file and restarts it: every line reaches the topic, and what is
 * sent twice is bounded by the three batches sent after the last durable position (two in flight, and the one whose
 * position save was still under way).
 */
class FileSourceCrashTest {

    private static final int LINES = 200_000;
    private static final int BATCH = 2000;

    @TempDir
    Path dataDir;
    @TempDir
    Path inbox;

    @Test
    void restartAfterSigkillMidFileLosesNothingAndRepeatsAtMostTwoBatches() throws Exception {
        Path staging = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-staging"));
        Path file = staging.resolve("big.txt");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < LINES; i++) {
                w.write("line-" + i + ",payload-payload-payload\n");
            }
        }
        Files.move(file, inbox.resolve("big.txt"));
        String options = "topic=lines&format=lines&batchRecords=" + BATCH + "&readLockCheckInterval=200&delay=100";

        try (ChildJvm first = new ChildJvm("256m", dataDir, inbox, options, false)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.printed("READY"));
            await().atMost(Duration.ofSeconds(120)).until(() -> topicBytes() > 2L * 1024 * 1024);
            first.kill();
        }
        assertThat(inbox.resolve("big.txt")).as("the kill came mid-file").exists();

        try (ChildJvm second = new ChildJvm("256m", dataDir, inbox, options, true)) {
            assertThat(second.waitFor(300)).as("output: %s", second.output()).isZero();
        }
        assertThat(inbox.resolve(".done/big.txt")).exists();

        try (Bus bus = Bus.open(BusConfig.builder(dataDir).build())) {
            List<String> values = FileTestBus.values(bus, "lines");
            Set<String> distinct = new HashSet<>(values);
            assertThat(distinct).hasSize(LINES);
            for (int i = 0; i < LINES; i += 19_997) {
                assertThat(distinct).contains("line-" + i + ",payload-payload-payload");
            }
            int duplicates = values.size() - LINES;
            assertThat(duplicates).as("records sent twice").isBetween(0, 3 * BATCH);
        }
    }

    /** Bytes the topic holds on disk (the parent cannot open the bus while the child holds its lock). */
    private long topicBytes() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(p -> p.toString().contains("lines-0") && Files.isRegularFile(p))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
