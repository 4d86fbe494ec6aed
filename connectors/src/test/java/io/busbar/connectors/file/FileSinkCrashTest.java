package io.busbar.connectors.file;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills (SIGKILL) a runtime whose file sink has committed some files and is writing more, then restarts it:
 * the replay rewrites the same file names, so the folder ends with every record exactly once, and no file is
 * visible under its final name unless complete.
 */
class FileSinkCrashTest {

    private static final int RECORDS = 100_000;

    @TempDir
    Path dataDir;
    @TempDir
    Path outbox;

    @Test
    void sigkillMidRunThenRestartLeavesEveryRecordExactlyOnceInTheFolder() throws Exception {
        try (Bus bus = Bus.open(BusConfig.builder(dataDir).build())) {
            bus.admin().createTopic("orders", 1, java.util.Map.of());
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                acks.add(bus.producer().send("orders", BusRecord.of("k" + i, "{\"n\":" + i + "}")));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
        }
        String options = "topic=orders&groupId=archive&directory=" + outbox + "&rollRecords=1000&rollIntervalMs=600000"
                + "&sessionTimeoutMs=6000"; // the killed member leaves the group quickly

        try (ChildJvm first = new ChildJvm("256m", dataDir, Path.of("sink:" + RECORDS), options, false)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> finalFiles().size() >= 10);
            first.kill();
        }
        int filesAtKill = finalFiles().size();
        assertThat(filesAtKill).as("the kill came mid-run").isLessThan(RECORDS / 1000);

        try (ChildJvm second = new ChildJvm("256m", dataDir, Path.of("sink:" + RECORDS), options, true)) {
            assertThat(second.waitFor(300)).as("output: %s", second.output()).isZero();
        }

        List<String> lines = new ArrayList<>();
        for (Path f : finalFiles()) {
            lines.addAll(Files.readAllLines(f));
        }
        assertThat(finalFiles()).hasSize(RECORDS / 1000);
        assertThat(lines).hasSize(RECORDS);
        assertThat(lines).isEqualTo(IntStream.range(0, RECORDS).mapToObj(i -> "{\"n\":" + i + "}").toList());
    }

    private List<Path> finalFiles() throws IOException {
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
