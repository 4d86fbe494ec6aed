package io.busbar.bus.log;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LogCleanerTest {
    static final TopicPartition TP = new TopicPartition("prices", 0);
    static final TopicConfig COMPACTED = TopicConfig.DEFAULT.with(Map.of(TopicConfig.CLEANUP_POLICY, "compact",
            TopicConfig.SEGMENT_BYTES, "2048", TopicConfig.DELETE_RETENTION_MS, "10000"));

    @TempDir
    Path root;

    private final List<PartitionLog> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(PartitionLog::close);
    }

    private PartitionLog open(Path dir) {
        PartitionLog log = PartitionLogs.open(dir, TP, COMPACTED, LogOptions.DEFAULT);
        opened.add(log);
        return log;
    }

    private static void put(PartitionLog log, long timestamp, String key, String value) {
        log.append(TestBatches.keyed(timestamp, key, value)).durable().join();
    }

    /** Ten rounds of updates to keys k0..k9: value "k-round"; then filler to push them out of the active segment. */
    private static Map<String, Long> writeUpdates(PartitionLog log) {
        Map<String, Long> latestOffset = new HashMap<>();
        for (int round = 0; round < 10; round++) {
            for (int k = 0; k < 10; k++) {
                latestOffset.put("k" + k, log.logEndOffset());
                put(log, 1000, "k" + k, "k" + k + "-" + round);
            }
        }
        for (int i = 0; i < 60; i++) {
            put(log, 1000, "filler", "f" + i);
        }
        return latestOffset;
    }

    private static Map<String, String> latestValues(List<Record> records) {
        Map<String, String> latest = new LinkedHashMap<>();
        for (Record r : records) {
            latest.put(StandardCharsets.UTF_8.decode(r.key().duplicate()).toString(), TestBatches.value(r));
        }
        return latest;
    }

    @Test
    void keepsOnlyTheLatestRecordPerKeyWithItsOriginalOffset() {
        PartitionLog log = open(root.resolve("prices-0"));
        Map<String, Long> latestOffset = writeUpdates(log);
        List<Record> before = TestBatches.readAll(log, 0);
        long sizeBefore = log.sizeInBytes();

        log.compact(2000);

        List<Record> after = TestBatches.readAll(log, 0);
        assertThat(after.size()).isLessThan(before.size() / 2);
        assertThat(latestValues(after)).isEqualTo(latestValues(before));
        assertThat(log.sizeInBytes()).isLessThan(sizeBefore);
        for (int k = 0; k < 10; k++) {
            String key = "k" + k;
            List<Record> ofKey = after.stream()
                    .filter(r -> StandardCharsets.UTF_8.decode(r.key().duplicate()).toString().equals(key)).toList();
            assertThat(ofKey).hasSize(1);
            assertThat(ofKey.get(0).offset()).isEqualTo(latestOffset.get(key));
            assertThat(TestBatches.value(ofKey.get(0))).isEqualTo(key + "-9");
        }
        // offsets still increase, with gaps; a read from a removed offset starts at the next record
        for (int i = 1; i < after.size(); i++) {
            assertThat(after.get(i).offset()).isGreaterThan(after.get(i - 1).offset());
        }
        assertThat(log.read(0, 100, true).records().records().iterator().next().offset())
                .isEqualTo(after.get(0).offset());
        assertThat(log.logEndOffset()).isEqualTo(160);
    }

    @Test
    void dropsTombstonesOnlyAfterDeleteRetention() {
        PartitionLog log = open(root.resolve("prices-0"));
        put(log, 1000, "gone", "v1");
        put(log, 1000, "gone", "v2");
        put(log, 5000, "gone", null);
        for (int i = 0; i < 60; i++) {
            put(log, 5000, "filler", "f" + i);
        }

        log.compact(6000);
        List<Record> afterFirst = TestBatches.readAll(log, 0);
        List<Record> gone = afterFirst.stream().filter(r -> r.key() != null
                && StandardCharsets.UTF_8.decode(r.key().duplicate()).toString().equals("gone")).toList();
        assertThat(gone).hasSize(1);
        assertThat(gone.get(0).hasValue()).isFalse();
        assertThat(gone.get(0).offset()).isEqualTo(2);

        log.compact(6000 + 9_999); // the first pass (at 6000) started the tombstone's delete.retention.ms
        assertThat(TestBatches.readAll(log, 0)).anyMatch(r -> isKey(r, "gone"));
        log.compact(6000 + 10_000);
        assertThat(TestBatches.readAll(log, 0)).noneMatch(r -> isKey(r, "gone"));
    }

    @Test
    void keepsATombstoneWithAnOldTimestampForDeleteRetentionAfterThePassThatCleanedIt() {
        PartitionLog log = open(root.resolve("prices-0"));
        put(log, 1000, "gone", "v1");
        put(log, 1000, "gone", null); // written long ago (CreateTime 1000), cleaned first at 1,000,000
        for (int i = 0; i < 60; i++) {
            put(log, 1000, "filler", "f" + i);
        }
        log.compact(1_000_000);
        List<Record> gone = TestBatches.readAll(log, 0).stream().filter(r -> isKey(r, "gone")).toList();
        assertThat(gone).hasSize(1);
        assertThat(gone.get(0).hasValue()).isFalse();
        assertThat(gone.get(0).timestamp()).as("the record keeps its own timestamp").isEqualTo(1000);

        log.compact(1_000_000 + 9_999);
        assertThat(TestBatches.readAll(log, 0)).anyMatch(r -> isKey(r, "gone"));
        log.compact(1_000_000 + 10_000);
        assertThat(TestBatches.readAll(log, 0)).noneMatch(r -> isKey(r, "gone"));
    }

    @Test
    void cleansMoreKeysThanTheKeyMapHoldsInSeveralPasses() {
        // 2 KiB of key map: 85 slots, 76 keys per pass; 1,000 keys written twice need many passes
        PartitionLog log = PartitionLogs.open(root.resolve("prices-0"), TP, COMPACTED,
                LogOptions.DEFAULT.withCleanerDedupeBufferBytes(2048));
        opened.add(log);
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 1000; k++) {
                put(log, 1000, "key-" + k, "v" + round + "-" + k);
            }
        }
        for (int i = 0; i < 60; i++) {
            put(log, 1000, "filler", "f" + i);
        }
        int passes = 0;
        long keyRecords;
        do {
            log.compact(2000);
            passes++;
            keyRecords = TestBatches.readAll(log, 0).stream().filter(r -> TestBatches.value(r).startsWith("v")).count();
        } while (keyRecords > 1000 && passes < 100);
        assertThat(keyRecords).as("one record per key once enough passes ran").isEqualTo(1000);
        assertThat(passes).as("passes of at most 76 keys each").isGreaterThan(10);
        Map<String, String> latest = latestValues(TestBatches.readAll(log, 0));
        for (int k = 0; k < 1000; k++) {
            assertThat(latest.get("key-" + k)).isEqualTo("v1-" + k);
        }
    }

    private static boolean isKey(Record r, String key) {
        return r.key() != null && StandardCharsets.UTF_8.decode(r.key().duplicate()).toString().equals(key);
    }

    @Test
    void leavesRecordsYoungerThanMinCompactionLagAlone() {
        PartitionLog log = PartitionLogs.open(root.resolve("prices-0"), TP,
                COMPACTED.with(Map.of(TopicConfig.MIN_COMPACTION_LAG_MS, "5000")), LogOptions.DEFAULT);
        opened.add(log);
        writeUpdates(log); // every record stamped 1000
        int before = TestBatches.readAll(log, 0).size();
        log.compact(4000);
        assertThat(TestBatches.readAll(log, 0)).hasSize(before);
        log.compact(7000);
        assertThat(TestBatches.readAll(log, 0).size()).isLessThan(before);
    }

    @Test
    void doesNothingForADeleteOnlyTopic() {
        PartitionLog log = PartitionLogs.open(root.resolve("prices-0"), TP,
                COMPACTED.with(Map.of(TopicConfig.CLEANUP_POLICY, "delete")), LogOptions.DEFAULT);
        opened.add(log);
        writeUpdates(log);
        int before = TestBatches.readAll(log, 0).size();
        log.compact(2000);
        assertThat(TestBatches.readAll(log, 0)).hasSize(before);
    }

    @Test
    void survivesReopenAndCrashRecovery() throws IOException {
        Path dir = root.resolve("prices-0");
        PartitionLog log = open(dir);
        writeUpdates(log);
        log.compact(2000);
        List<Record> compacted = TestBatches.readAll(log, 0);
        log.close();
        opened.clear();
        Files.delete(dir.resolve(CleanShutdownFile.NAME));
        Files.write(dir.resolve(OffsetCheckpointFile.RECOVERY_POINT), "0\n0\n".getBytes());

        PartitionLog reopened = open(dir);
        assertThat(TestBatches.offsetsOf(recordsOf(TestBatches.readAll(reopened, 0))))
                .isEqualTo(TestBatches.offsetsOf(recordsOf(compacted)));
        assertThat(reopened.logEndOffset()).isEqualTo(160);
    }

    @Test
    void aCrashAfterTheSwapFileWasCompleteFinishesTheSwapAtOpen() throws IOException {
        Path crashed = root.resolve("crashed").resolve("prices-0");
        Path reference = root.resolve("reference").resolve("prices-0");
        PartitionLog log = open(crashed);
        writeUpdates(log);
        log.close();
        opened.clear();
        copyDirectory(crashed, reference);
        PartitionLog referenceLog = open(reference);
        referenceLog.compact(2000);
        List<Record> expected = TestBatches.readAll(referenceLog, 0);
        referenceLog.close();

        // the reference compaction emptied (and removed) the oldest segments; take the first two it rewrote
        List<String> rewritten;
        try (Stream<Path> files = Files.list(reference)) {
            rewritten = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
        }
        String first = rewritten.get(0);
        String second = rewritten.get(1);
        long rangeStart = Long.parseLong(first.substring(0, 20));
        long rangeEnd = Long.parseLong(rewritten.get(2).substring(0, 20));
        // crashed: the first one's compacted copy was committed as .swap, the original still in place
        Path firstSegment = crashed.resolve(first);
        Files.copy(reference.resolve(first), crashed.resolve(first + ".swap"));
        Files.delete(crashed.resolve(CleanShutdownFile.NAME));
        // the second one was half-way: original renamed to .deleted, swap not yet renamed
        Files.move(crashed.resolve(second), crashed.resolve(second + ".deleted"));
        Files.copy(reference.resolve(second), crashed.resolve(second + ".swap"));
        // and a third was still being written: a .cleaned file, to be discarded
        Files.write(crashed.resolve(rewritten.get(2) + ".cleaned"), new byte[100]);

        PartitionLog recovered = open(crashed);
        List<Record> inRange = TestBatches.readAll(recovered, 0).stream()
                .filter(r -> r.offset() >= rangeStart && r.offset() < rangeEnd).toList();
        List<Record> expectedInRange = expected.stream()
                .filter(r -> r.offset() >= rangeStart && r.offset() < rangeEnd).toList();
        assertThat(inRange).isNotEmpty();
        assertThat(TestBatches.offsetsOf(recordsOf(inRange))).isEqualTo(TestBatches.offsetsOf(recordsOf(expectedInRange)));
        assertThat(recovered.logEndOffset()).isEqualTo(160);
        assertThat(Files.exists(firstSegment)).isTrue();
        try (Stream<Path> files = Files.list(crashed)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".swap") || n.endsWith(".cleaned") || n.endsWith(".deleted"));
        }
    }

    @Test
    void appendsAndReadsGoOnWhileCompacting() throws Exception {
        PartitionLog log = open(root.resolve("prices-0"));
        writeUpdates(log);
        CompletableFuture<Void> cleaning = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 5; i++) {
                log.compact(2000 + i);
            }
        });
        List<AppendResult> appended = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            appended.add(log.append(TestBatches.keyed(3000, "late" + (i % 7), "v" + i)));
            TestBatches.readAll(log, 0);
        }
        cleaning.get();
        for (AppendResult r : appended) {
            r.durable().join();
        }
        assertThat(log.logEndOffset()).isEqualTo(260);
        Map<String, String> latest = latestValues(TestBatches.readAll(log, 0));
        assertThat(latest).containsEntry("k3", "k3-9").containsEntry("late1", "v99");
    }

    private static org.apache.kafka.common.record.MemoryRecords recordsOf(List<Record> records) {
        org.apache.kafka.common.record.MemoryRecordsBuilder builder = org.apache.kafka.common.record.MemoryRecords.builder(
                java.nio.ByteBuffer.allocate(1 << 20), org.apache.kafka.common.compress.Compression.NONE,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0);
        for (Record r : records) {
            builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value());
        }
        return builder.build();
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
