package io.busbar.bus.log;

import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogRetentionTest {
    static final TopicPartition TP = new TopicPartition("events", 0);

    @TempDir
    Path root;

    private final List<PartitionLog> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(PartitionLog::close);
    }

    private PartitionLog open(Map<String, String> settings) {
        PartitionLog log = PartitionLogs.open(root.resolve("events-0"), TP, TopicConfig.DEFAULT.with(settings),
                LogOptions.DEFAULT);
        opened.add(log);
        return log;
    }

    /** Ten segments of ten records; segment i holds offsets 10i..10i+9 stamped 1000*i. */
    private static void fill(PartitionLog log) {
        for (int segment = 0; segment < 10; segment++) {
            for (int i = 0; i < 10; i++) {
                log.append(TestBatches.sized(1000L * segment, 1, 300)).durable().join();
            }
        }
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("events-0"))) {
            return files.filter(p -> p.toString().endsWith(".log")).count();
        }
    }

    @Test
    void deletesWholeSegmentsOlderThanRetentionMs() throws IOException {
        PartitionLog log = open(Map.of(TopicConfig.SEGMENT_BYTES, "3700", TopicConfig.RETENTION_MS, "5000"));
        fill(log);
        long segmentsBefore = segmentFiles();
        assertThat(segmentsBefore).isEqualTo(10);

        // segments stamped 0..3000 are more than 5000 ms older than now = 8500
        assertThat(log.applyRetention(8500)).isEqualTo(4);
        assertThat(log.logStartOffset()).isEqualTo(40);
        assertThat(segmentFiles()).isEqualTo(6);
        assertThat(TestBatches.readAll(log, 40)).hasSize(60);
        assertThatThrownBy(() -> log.read(39, 1000, true))
                .isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("offsets 40 to 99");
        assertThat(log.applyRetention(8500)).isZero();
    }

    @Test
    void neverDeletesTheActiveSegment() {
        PartitionLog log = open(Map.of(TopicConfig.SEGMENT_BYTES, "3700", TopicConfig.RETENTION_MS, "1"));
        fill(log);
        assertThat(log.applyRetention(1_000_000)).isEqualTo(9);
        assertThat(log.logStartOffset()).isEqualTo(90);
        assertThat(TestBatches.readAll(log, 90)).hasSize(10);
    }

    @Test
    void deletesOldestSegmentsBeyondRetentionBytes() {
        PartitionLog log = open(Map.of(TopicConfig.SEGMENT_BYTES, "3700", TopicConfig.RETENTION_BYTES, "12000"));
        fill(log);
        long segmentSize = log.sizeInBytes() / 10;
        // as Kafka: a segment goes only if what remains still holds at least retention.bytes
        assertThat(log.applyRetention(0)).isEqualTo(6);
        assertThat(log.sizeInBytes()).isGreaterThanOrEqualTo(12000).isLessThan(12000 + segmentSize);
        assertThat(log.logStartOffset()).isEqualTo(60);
    }

    @Test
    void keepsEverythingWhenTheCleanupPolicyIsCompactOnly() {
        PartitionLog log = open(Map.of(TopicConfig.SEGMENT_BYTES, "3700", TopicConfig.RETENTION_MS, "1",
                TopicConfig.CLEANUP_POLICY, "compact"));
        fill(log);
        assertThat(log.applyRetention(1_000_000)).isZero();
        assertThat(log.logStartOffset()).isZero();
    }

    @Test
    void theLogStartOffsetSurvivesARestartEvenAfterACrash() throws IOException {
        PartitionLog log = open(Map.of(TopicConfig.SEGMENT_BYTES, "3700", TopicConfig.RETENTION_MS, "5000"));
        fill(log);
        log.applyRetention(8500);
        log.close();
        opened.clear();
        Files.delete(root.resolve("events-0").resolve(CleanShutdownFile.NAME));

        PartitionLog reopened = open(Map.of(TopicConfig.SEGMENT_BYTES, "3700"));
        assertThat(reopened.logStartOffset()).isEqualTo(40);
        assertThat(reopened.logEndOffset()).isEqualTo(100);
        assertThat(TestBatches.readAll(reopened, 40)).hasSize(60);
    }

    @Test
    void segmentsBelowACheckpointedLogStartAreDeletedAtOpen() throws IOException {
        PartitionLog log = open(Map.of(TopicConfig.SEGMENT_BYTES, "3700"));
        fill(log);
        log.close();
        opened.clear();
        // a crash after the checkpoint was written but before the segment files were removed
        Files.write(root.resolve("events-0").resolve(OffsetCheckpointFile.LOG_START_OFFSET), "0\n30\n".getBytes());

        PartitionLog reopened = open(Map.of(TopicConfig.SEGMENT_BYTES, "3700"));
        assertThat(reopened.logStartOffset()).isEqualTo(30);
        assertThat(segmentFiles()).isEqualTo(7);
        assertThat(TestBatches.readAll(reopened, 30)).hasSize(70);
    }
}
