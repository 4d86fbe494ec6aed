package io.busbar.bus.log;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.record.FileLogInputStream;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening a log after a crash: torn tails are truncated, corruption in the middle is refused. */
class LogLoaderTest {
    static final TopicPartition TP = new TopicPartition("orders", 0);
    static final TopicConfig SMALL_SEGMENTS = TopicConfig.DEFAULT.with(Map.of(
            TopicConfig.SEGMENT_BYTES, "4096", TopicConfig.INDEX_INTERVAL_BYTES, "256"));

    @TempDir
    Path root;

    private final List<PartitionLog> opened = new ArrayList<>();
    private final Random random = new Random();

    @AfterEach
    void closeAll() {
        opened.forEach(PartitionLog::close);
    }

    private Path dir() {
        return root.resolve("orders-0");
    }

    private PartitionLog open(LogOptions options) {
        PartitionLog log = PartitionLogs.open(dir(), TP, SMALL_SEGMENTS, options);
        opened.add(log);
        return log;
    }

    /** Writes {@code count} one-record batches and "crashes": files stay as written, no clean-shutdown marker. */
    private void writeAndCrash(int count) throws IOException {
        // OS durability: the files are the same, without waiting for an fsync per append
        PartitionLog log = open(LogOptions.DEFAULT.withDurability(io.busbar.bus.Durability.OS));
        for (int i = 0; i < count; i++) {
            log.append(TestBatches.values(1000 + i, "value-" + i)).durable().join();
        }
        log.close();
        opened.remove(log);
        Files.delete(dir().resolve(CleanShutdownFile.NAME));
        Files.write(dir().resolve(OffsetCheckpointFile.RECOVERY_POINT), "0\n0\n".getBytes());
    }

    private Path lastSegment() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    private Path segment(int index) throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList().get(index);
        }
    }

    private static void assertConsecutiveValues(List<Record> records) {
        for (int i = 0; i < records.size(); i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
            assertThat(TestBatches.value(records.get(i))).isEqualTo("value-" + i);
        }
    }

    @RepeatedTest(10)
    void truncatesATailTornAtARandomBytePosition() throws IOException {
        writeAndCrash(200);
        Path last = lastSegment();
        long size = Files.size(last);
        long cut = 1 + random.nextLong(size - 1);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(cut);
        }

        PartitionLog log = open(LogOptions.DEFAULT);
        List<Record> records = TestBatches.readAll(log, 0);
        assertConsecutiveValues(records);
        assertThat(log.logEndOffset()).isEqualTo(records.size());
        assertThat(records.size()).isLessThan(200).isGreaterThan(100);
        assertThat(log.append(TestBatches.values(1, "after")).baseOffset()).isEqualTo(records.size());
    }

    @RepeatedTest(10)
    void truncatesATailWhoseLastBatchIsGarbledOrZeroed() throws IOException {
        writeAndCrash(200);
        Path last = lastSegment();
        long size = Files.size(last);
        // the last batch is ~80 bytes: damage something inside it, as a torn page write would
        long at = size - 1 - random.nextInt(60);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.seek(at);
            byte[] tail = new byte[(int) (size - at)];
            f.readFully(tail);
            f.seek(at);
            boolean alreadyZero = true;
            for (byte b : tail) {
                alreadyZero &= b == 0;
            }
            // zeroing bytes that are already zero would damage nothing: flip a byte instead
            if (random.nextBoolean() && !alreadyZero) {
                f.write(new byte[tail.length]);
            } else {
                int b = f.readByte();
                f.seek(at);
                f.write(b ^ 0xFF);
            }
        }
        PartitionLog log = open(LogOptions.DEFAULT);
        assertThat(log.logEndOffset()).isEqualTo(199);
        assertConsecutiveValues(TestBatches.readAll(log, 0));
    }

    @Test
    void truncatesZerosAppendedPastTheLastBatch() throws IOException {
        writeAndCrash(50);
        Files.write(lastSegment(), new byte[4000], java.nio.file.StandardOpenOption.APPEND);
        PartitionLog log = open(LogOptions.DEFAULT);
        assertThat(log.logEndOffset()).isEqualTo(50);
        assertConsecutiveValues(TestBatches.readAll(log, 0));
    }

    @RepeatedTest(12)
    void refusesCorruptionInTheMiddleNamingTheFileAndOffset() throws IOException {
        writeAndCrash(200);
        Path first = segment(0);
        long size = Files.size(first);
        long at = randomProtectedByte(first, size / 2);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(at);
            int b = f.readByte();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
        assertThatThrownBy(() -> open(LogOptions.DEFAULT))
                .as("damage at byte %d of %s", at, first)
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(first.toString())
                .hasMessageContaining("truncateOnCorruption")
                .satisfies(e -> {
                    CorruptLogException c = (CorruptLogException) e;
                    assertThat(c.file()).isEqualTo(first);
                    assertThat(c.position()).isLessThanOrEqualTo(at);
                    assertThat(c.firstLostOffset()).isBetween(0L, 199L);
                });
        // nothing was changed by the refused open
        assertThat(Files.size(first)).isEqualTo(size);
    }

    /**
     * A random byte position below {@code limit} that damage can be detected at: anything but a batch's partition
     * leader epoch, the one header field neither the CRC nor the offsets cover (and which the log does not use).
     */
    private long randomProtectedByte(Path segment, long limit) throws IOException {
        try (FileRecords records = FileRecords.open(segment.toFile())) {
            while (true) {
                long at = random.nextLong(limit);
                for (RecordBatch batch : records.batches()) {
                    FileLogInputStream.FileChannelRecordBatch b = (FileLogInputStream.FileChannelRecordBatch) batch;
                    long inBatch = at - b.position();
                    if (inBatch >= 0 && inBatch < b.sizeInBytes()) {
                        if (inBatch < 12 || inBatch >= 16) {
                            System.out.println("DAMAGE at " + at + " batch@" + b.position() + " +" + inBatch + " size " + b.sizeInBytes());
                            return at;
                        }
                        break;
                    }
                }
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 5, 10, 15, 16, 17, 18, 19, 20, 25})
    void refusesABatchWhoseOffsetFieldWasDamaged(int batchIndex) throws IOException {
        writeAndCrash(200);
        Path first = segment(0);
        long at = -1;
        try (FileRecords records = FileRecords.open(first.toFile())) {
            int i = 0;
            for (RecordBatch b : records.batches()) {
                if (i++ == batchIndex) {
                    at = ((FileLogInputStream.FileChannelRecordBatch) b).position();
                }
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(at);
            f.write(0x5A); // the base offset's most significant byte: not covered by the CRC
        }
        assertThatThrownBy(() -> open(LogOptions.DEFAULT))
                .isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("offset " + batchIndex + " was expected");
    }

    @Test
    void truncatesMidLogCorruptionWhenAsked() throws IOException {
        writeAndCrash(200);
        Path first = segment(0);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(1000);
            int b = f.readByte();
            f.seek(1000);
            f.write(b ^ 0x5A);
        }
        PartitionLog log = open(LogOptions.DEFAULT.withTruncateOnCorruption(true));
        List<Record> records = TestBatches.readAll(log, 0);
        assertConsecutiveValues(records);
        assertThat(log.logEndOffset()).isEqualTo(records.size()).isLessThan(20);
        try (Stream<Path> files = Files.list(dir())) {
            assertThat(files.filter(p -> p.toString().endsWith(".log")).count()).isEqualTo(1);
        }
    }

    @Test
    void aCleanShutdownMarkerSkipsTheScan() throws IOException {
        PartitionLog log = open(LogOptions.DEFAULT);
        for (int i = 0; i < 200; i++) {
            log.append(TestBatches.values(1000 + i, "value-" + i)).durable().join();
        }
        log.close();
        opened.remove(log);
        // damage in a record body the loader would catch if it scanned
        Path first = segment(0);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(Files.size(first) - 3);
            int b = f.readByte();
            f.seek(Files.size(first) - 3);
            f.write(b ^ 0x5A);
        }
        PartitionLog reopened = open(LogOptions.DEFAULT);
        assertThat(reopened.logEndOffset()).isEqualTo(200);
    }

    @Test
    void rebuildsMissingOrDamagedIndexes() throws IOException {
        writeAndCrash(200);
        try (Stream<Path> files = Files.list(dir())) {
            for (Path p : files.toList()) {
                if (p.toString().endsWith(".index")) {
                    Files.write(p, new byte[]{1, 2, 3}); // not a multiple of the entry size
                } else if (p.toString().endsWith(".timeindex")) {
                    Files.delete(p);
                }
            }
        }
        Files.write(dir().resolve(OffsetCheckpointFile.RECOVERY_POINT), "0\n1000000\n".getBytes());
        PartitionLog log = open(LogOptions.DEFAULT);
        assertThat(log.logEndOffset()).isEqualTo(200);
        assertConsecutiveValues(TestBatches.readAll(log, 0));
        assertThat(log.read(150, 10, true).records().records().iterator().next().offset()).isEqualTo(150);
        assertThat(log.offsetForTimestamp(1150)).isEqualTo(150);
    }

    @Test
    void removesLeftoversOfInterruptedOperations() throws IOException {
        writeAndCrash(50);
        Files.write(dir().resolve("00000000000000000000.log.deleted"), new byte[10]);
        Files.write(dir().resolve("00000000000000000000.log.cleaned"), new byte[10]);
        Files.write(dir().resolve(OffsetCheckpointFile.RECOVERY_POINT + ".tmp"), new byte[10]);
        Files.write(dir().resolve("00000000000000099999.index"), new byte[8]);
        PartitionLog log = open(LogOptions.DEFAULT);
        assertThat(log.logEndOffset()).isEqualTo(50);
        try (Stream<Path> files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".deleted") || n.endsWith(".cleaned") || n.endsWith(".tmp")
                            || n.startsWith("00000000000000099999"));
        }
    }
}
