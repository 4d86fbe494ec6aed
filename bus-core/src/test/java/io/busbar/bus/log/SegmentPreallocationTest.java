package io.busbar.bus.log;

import io.busbar.bus.Durability;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentPreallocationTest {
    static final TopicPartition TP = new TopicPartition("orders", 0);
    /** 64 KiB segments with 4 KiB chunks: preallocated (segments of at least four chunks are) and rolled often. */
    static final TopicConfig SMALL_SEGMENTS = TopicConfig.DEFAULT.with(Map.of(TopicConfig.SEGMENT_BYTES, "65536"));
    static final LogOptions SMALL_CHUNKS = LogOptions.DEFAULT.withPreallocateBytes(4096);
    /** The value docs/storage.md suggests. */
    static final LogOptions EIGHT_MIB = LogOptions.DEFAULT.withPreallocateBytes(8 << 20);

    @TempDir
    Path root;

    private final LogScheduler scheduler = new LogScheduler(1);
    private final List<PartitionLog> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(PartitionLog::close);
        scheduler.close();
    }

    private SegmentedLog open(Path dir, TopicConfig config, LogOptions options) {
        SegmentedLog log = (SegmentedLog) PartitionLogs.open(dir, TP, config, options, scheduler);
        opened.add(log);
        return log;
    }

    private static void appendKiB(PartitionLog log, int from, int count) {
        for (int i = from; i < from + count; i++) {
            log.append(TestBatches.values(1000 + i, "value-" + i + "-" + "x".repeat(1000))).durable().join();
        }
    }

    private static void assertValues(PartitionLog log, int count) {
        List<Record> records = TestBatches.readAll(log, 0);
        assertThat(records).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
            assertThat(TestBatches.value(records.get(i))).startsWith("value-" + i + "-");
        }
    }

    /** Opens a log with 8 MiB chunks, appends {@code count} 1 KiB records and waits for zeros past them. */
    private SegmentedLog openWithZerosAfter(Path dir, int count) throws Exception {
        SegmentedLog log = open(dir, TopicConfig.DEFAULT, EIGHT_MIB);
        appendKiB(log, 0, count);
        awaitZeros(log.activeSegment());
        return log;
    }

    /** Waits until the file of {@code segment} is longer than its records (the filler ran). */
    private static void awaitZeros(LogSegment segment) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.size(segment.file()) <= segment.size()) {
            assertThat(System.nanoTime()).as("zeros written ahead of %s within 10 s", segment).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static boolean allZeros(Path file, long from) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - from));
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) >= 0) {
                // read fully
            }
            for (int i = 0; i < buffer.position(); i++) {
                if (buffer.get(i) != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** What a crash at this moment leaves: the files as they are now, without the clean-shutdown marker. */
    private static Path crashImage(Path dir, Path image) throws IOException {
        Files.createDirectories(image);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals(CleanShutdownFile.NAME)) {
                    Files.copy(f, image.resolve(f.getFileName()));
                }
            }
        }
        return image;
    }

    @Test
    void keepsZerosAheadOfTheRecordsAndTrimsThemAtClose() throws Exception {
        Path dir = root.resolve("orders-0");
        SegmentedLog log = openWithZerosAfter(dir, 10);
        LogSegment active = log.activeSegment();

        // at least MIN_AHEAD of zeros past the records, and nothing but zeros
        assertThat(Files.size(active.file())).isGreaterThanOrEqualTo(active.size() + SegmentPreallocation.MIN_AHEAD);
        assertThat(allZeros(active.file(), active.size())).isTrue();

        // appends land over the zeros and past them
        appendKiB(log, 10, 300);
        assertValues(log, 310);
        int records = active.size();

        log.close();
        opened.remove(log);
        assertThat(Files.size(active.file())).as("the file ends with its last record after close").isEqualTo(records);
        SegmentedLog reopened = open(dir, TopicConfig.DEFAULT, EIGHT_MIB);
        assertValues(reopened, 310);
        assertThat(reopened.append(TestBatches.values(1, "after")).baseOffset()).isEqualTo(310);
    }

    @Test
    void recoveryDropsTheZerosOfTheSegmentActiveAtACrash() throws Exception {
        Path dir = root.resolve("orders-0");
        SegmentedLog log = openWithZerosAfter(dir, 100);
        Path image = crashImage(dir, root.resolve("crash-0"));
        long recordBytes = log.activeSegment().size();

        SegmentedLog recovered = open(image, TopicConfig.DEFAULT, EIGHT_MIB);
        assertValues(recovered, 100);
        assertThat(Files.size(recovered.activeSegment().file())).isEqualTo(recordBytes);
        assertThat(recovered.append(TestBatches.values(1, "after")).baseOffset()).isEqualTo(100);
        assertThat(recovered.append(TestBatches.values(1, "after")).durable().join()).isEqualTo(102);
    }

    @Test
    void zerosLeftUnderACleanShutdownMarkerAreDroppedToo() throws Exception {
        // not something Busbar leaves (close trims and syncs before the marker), but a copy or a restore might
        Path dir = root.resolve("orders-0");
        openWithZerosAfter(dir, 50);
        Path image = crashImage(dir, root.resolve("crash-0"));
        Files.writeString(image.resolve(CleanShutdownFile.NAME), "");

        SegmentedLog recovered = open(image, TopicConfig.DEFAULT, EIGHT_MIB);
        assertValues(recovered, 50);
        assertThat(allZeros(recovered.activeSegment().file(), 0)).isFalse();
        assertThat(Files.size(recovered.activeSegment().file())).isEqualTo(recovered.activeSegment().size());
    }

    @Test
    void aRolledSegmentEndsWithItsLastRecordOnceItsAppendsAreDurable() throws Exception {
        SegmentedLog log = open(root.resolve("orders-0"), SMALL_SEGMENTS, SMALL_CHUNKS);
        appendKiB(log, 0, 400);

        List<LogSegment> all = log.segments().all().stream().toList();
        assertThat(all).hasSizeGreaterThan(4);
        for (LogSegment s : all.subList(0, all.size() - 1)) {
            assertThat(Files.size(s.file())).as("%s on disk", s).isEqualTo(s.size());
        }
        assertValues(log, 400);
    }

    @Test
    void anAppendPastTheZerosWhileTheFillerIsBehindIsNeverOverwritten() throws Exception {
        Path dir = root.resolve("orders-0");
        SegmentedLog log = open(dir, TopicConfig.DEFAULT, SMALL_CHUNKS);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        // the preallocation thread is busy elsewhere: fills queue up behind this task
        assertThat(scheduler.preallocate(() -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).isTrue();
        blocked.await();
        appendKiB(log, 0, 200);
        assertThat(Files.size(log.activeSegment().file())).as("no zeros yet").isEqualTo(log.activeSegment().size());

        release.countDown();
        awaitZeros(log.activeSegment());
        appendKiB(log, 200, 200);
        assertValues(log, 400);
        Path image = crashImage(dir, root.resolve("crash-0"));
        SegmentedLog recovered = open(image, TopicConfig.DEFAULT, SMALL_CHUNKS);
        assertValues(recovered, 400);
    }

    @Test
    void offByDefaultAndWhenAppendsAreNotFsynced() throws Exception {
        SegmentedLog off = open(root.resolve("off-0"), TopicConfig.DEFAULT, LogOptions.DEFAULT);
        SegmentedLog os = open(root.resolve("os-0"), TopicConfig.DEFAULT, EIGHT_MIB.withDurability(Durability.OS));
        appendKiB(off, 0, 100);
        appendKiB(os, 0, 100);
        assertThat(off.activeSegment().preallocatedEnd()).isEqualTo(off.activeSegment().size());
        assertThat(os.activeSegment().preallocatedEnd()).isEqualTo(os.activeSegment().size());
        // a preallocating log would have had ten fills' time by now
        SegmentedLog on = open(root.resolve("on-0"), TopicConfig.DEFAULT, EIGHT_MIB);
        appendKiB(on, 0, 100);
        awaitZeros(on.activeSegment());
        assertThat(Files.size(off.activeSegment().file())).isEqualTo(off.activeSegment().size());
        assertThat(Files.size(os.activeSegment().file())).isEqualTo(os.activeSegment().size());
    }

    @Test
    void aChunkBelowTheMinimumIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> LogOptions.DEFAULT.withPreallocateBytes(100))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("busbar.log.preallocate.bytes = 100")
                .hasMessageContaining("0 (off) or at least 512");
    }
}
