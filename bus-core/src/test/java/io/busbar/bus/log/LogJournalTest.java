package io.busbar.bus.log;

import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal shared by a bus's logs: appends are durable once the journal is fsynced, and a crash that loses the
 * segments' unsynced writes is repaired from it. A crash is simulated by copying the data directory while the logs are
 * open (the copy holds what the page cache held) and then dropping from the copy what was never fsynced.
 */
class LogJournalTest {
    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.DEFAULT.with(Map.of("segment.bytes", "1024"));

    @TempDir
    Path root;

    private final LogScheduler scheduler = new LogScheduler(2);
    private final List<PartitionLog> opened = new ArrayList<>();
    private final List<LogJournal> journals = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(PartitionLog::close);
        journals.forEach(LogJournal::close);
        scheduler.close();
    }

    private LogJournal journal(Path data, long fileBytes) {
        LogJournal journal = LogJournal.open(data.resolve("journal"), scheduler, fileBytes);
        journals.add(journal);
        return journal;
    }

    private SegmentedLog log(Path data, int partition, LogJournal journal) {
        PartitionLog log = PartitionLogs.open(data.resolve("orders-" + partition), new TopicPartition("orders", partition),
                SMALL_SEGMENTS, LogOptions.DEFAULT, scheduler, journal);
        opened.add(log);
        return (SegmentedLog) log;
    }

    @Test
    void appendsAreDurableThroughTheJournalAndReplayedWhenTheSegmentWritesAreLost() throws Exception {
        Path data = root.resolve("data");
        LogJournal journal = journal(data, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog zero = log(data, 0, journal);
        SegmentedLog one = log(data, 1, journal);
        for (int i = 0; i < 50; i++) {
            zero.append(TestBatches.values(i, "zero-" + i)).durable().join();
            one.append(TestBatches.values(i, "one-" + i)).durable().join();
        }
        assertThat(zero.highWatermark()).isEqualTo(50);
        assertThat(zero.segments().all()).as("rolled segments").hasSizeGreaterThan(2);
        assertThat(zero.fsyncRounds() + one.fsyncRounds()).as("segment fsyncs: the journal's made them durable").isZero();

        Path crashed = crashLosingSegmentWrites(data);

        LogJournal recovered = journal(crashed, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog zeroAgain = log(crashed, 0, recovered);
        SegmentedLog oneAgain = log(crashed, 1, recovered);
        recovered.finishRecovery();

        assertThat(readAll(zeroAgain))
                .containsExactlyElementsOf(values("zero-", 50));
        assertThat(readAll(oneAgain))
                .containsExactlyElementsOf(values("one-", 50));
        assertThat(oneAgain.highWatermark()).isEqualTo(50);
        assertThat(files(crashed.resolve("journal"), LogJournal.SUFFIX)).as("replayed files deleted, a new one started")
                .hasSize(1);
        // replayed records are in fsynced segments now, so the next crash needs nothing from the old files
        zeroAgain.append(TestBatches.values(99, "after")).durable().join();
        assertThat(zeroAgain.logEndOffset()).isEqualTo(51);
    }

    @Test
    void aTornJournalEntryEndsTheReplayAndIsCutOff() throws Exception {
        Path data = root.resolve("data");
        LogJournal journal = journal(data, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog log = log(data, 0, journal);
        appendDurably(log, "v-", 10);
        Path crashed = crashLosingSegmentWrites(data);
        Path journalFile = files(crashed.resolve("journal"), LogJournal.SUFFIX).get(0);
        long size = Files.size(journalFile);
        truncate(journalFile, size - 5); // the last entry's write was cut short: it was never acknowledged

        LogJournal recovered = journal(crashed, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog again = log(crashed, 0, recovered);
        recovered.finishRecovery();

        assertThat(readAll(again))
                .containsExactlyElementsOf(values("v-", 9));
        assertThat(again.append(TestBatches.values(99, "next")).baseOffset()).isEqualTo(9);
    }

    @Test
    void entriesAfterADamagedOneAreNotReplayedEvenInALaterFile() throws Exception {
        Path data = root.resolve("data");
        LogJournal journal = journal(data, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog log = log(data, 0, journal);
        appendDurably(log, "v-", 12);
        Path crashed = crashLosingSegmentWrites(data);
        // the journal as a roll leaves it: entries 0-5 in one file, 6-11 in the next; then the first file's last
        // byte is damaged, so every entry after it, in this file or the next, must be dropped
        Path journalFile = files(crashed.resolve("journal"), LogJournal.SUFFIX).get(0);
        byte[] bytes = Files.readAllBytes(journalFile);
        int split = entriesEnd(bytes, 6);
        long generation = generationOf(journalFile);
        Files.write(journalFile.resolveSibling(String.format("%020d%s", generation + 1, LogJournal.SUFFIX)),
                java.util.Arrays.copyOfRange(bytes, split, bytes.length));
        byte[] firstFile = java.util.Arrays.copyOf(bytes, split);
        firstFile[split - 1] ^= 0x55;
        Files.write(journalFile, firstFile);

        LogJournal recovered = journal(crashed, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog again = log(crashed, 0, recovered);
        recovered.finishRecovery();

        assertThat(readAll(again)).isEqualTo(values("v-", 5));
        assertThat(files(crashed.resolve("journal"), LogJournal.SUFFIX)).hasSize(1);
    }

    @Test
    void theNextFileIsZeroFilledAheadUntilACheckpointedOneCanBeRecycled() throws Exception {
        Path data = root.resolve("data");
        int fileBytes = 8192;
        LogJournal journal = journal(data, fileBytes);
        SegmentedLog log = log(data, 0, journal);
        int appended = 0;
        while (activeFile(data).getFileName().toString().compareTo(String.format("%020d", 2)) < 0) {
            awaitSpare(journal); // so that the roll finds the spare ready (its filling starts halfway through a file)
            log.append(TestBatches.values(appended, "v-" + appended++)).durable().join();
        }
        // the second file: no checkpointed file was free yet, so it was zero-filled to its full size ahead of appends
        byte[] second = Files.readAllBytes(activeFile(data));
        assertThat(second).as("the second file").hasSize(fileBytes);
        assertThat(java.nio.ByteBuffer.wrap(second).getInt(0)).as("an entry's size at the start").isPositive();
        assertThat(second[fileBytes - 1]).as("zeros at the end").isZero();
        while (journal.recycledFiles() == 0 || activeFile(data).getFileName().toString()
                .compareTo(String.format("%020d", 4)) < 0) {
            assertThat(appended).as("a checkpointed file recycled within 2,000 appends").isLessThan(2000);
            awaitSpare(journal);
            log.append(TestBatches.values(appended, "v-" + appended++)).durable().join();
        }

        Path crashed = crashCopy(data);
        LogJournal recovered = journal(crashed, fileBytes);
        SegmentedLog again = log(crashed, 0, recovered);
        recovered.finishRecovery();
        assertThat(readAll(again)).containsExactlyElementsOf(values("v-", appended));
        assertThat(again.append(TestBatches.values(appended, "next")).baseOffset()).isEqualTo(appended);
    }

    @Test
    void aFileEndingInARollMarkerGoesOnInTheNextOneAndOneEndingInZerosDoesNot() throws Exception {
        for (boolean marker : new boolean[] {true, false}) {
            // as a roll into a zero-filled file leaves the journal: entries 0-5, the roll marker (or, in a file whose
            // roll never reached the disk, none) and zeros in one file; entries 6-11 and zeros in the next
            Path crashed = twelveEntriesSplitAfterSix(marker, 12);
            LogJournal recovered = journal(crashed, LogJournal.DEFAULT_FILE_BYTES);
            SegmentedLog again = log(crashed, 0, recovered);
            recovered.finishRecovery();

            assertThat(readAll(again)).as("marker: " + marker).isEqualTo(values("v-", marker ? 12 : 6));
        }
    }

    @Test
    void whatARecycledFileHeldBeforeIsNeverReplayed() throws Exception {
        // the second file is a recycled one: entries 6-8 of its new generation, then what it held before, entries
        // whose checksums are whole but name an earlier generation
        Path crashed = twelveEntriesSplitAfterSix(true, 9);
        LogJournal recovered = journal(crashed, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog again = log(crashed, 0, recovered);
        recovered.finishRecovery();

        assertThat(readAll(again)).isEqualTo(values("v-", 9));
    }

    /**
     * A crash's data directory whose log lost its segment writes and whose journal holds its 12 appends in two files:
     * entries 0-5, the roll marker (if {@code marker}) and zeros in one; in the next, entries 6 to
     * {@code resealed - 1} written for that file, then the rest as written for the first.
     */
    private Path twelveEntriesSplitAfterSix(boolean marker, int resealed) throws IOException {
        Path data = root.resolve("data-" + marker + "-" + resealed);
        LogJournal journal = journal(data, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog log = log(data, 0, journal);
        appendDurably(log, "v-", 12);
        Path crashed = crashLosingSegmentWrites(data);
        Path journalFile = files(crashed.resolve("journal"), LogJournal.SUFFIX).get(0);
        long generation = generationOf(journalFile);
        byte[] bytes = Files.readAllBytes(journalFile);
        int six = entriesEnd(bytes, 6);
        int reseal = entriesEnd(bytes, resealed);

        java.nio.ByteBuffer first = java.nio.ByteBuffer.allocate(4096).put(bytes, 0, six);
        if (marker) {
            java.nio.ByteBuffer none = java.nio.ByteBuffer.allocate(0);
            first.put(LogJournal.header(generation, LogJournal.ROLLED, new byte[0], none));
        }
        Files.write(journalFile, first.array());
        java.nio.ByteBuffer next = java.nio.ByteBuffer.allocate(4096)
                .put(resealed(bytes, six, reseal, generation + 1)).put(bytes, reseal, bytes.length - reseal);
        Files.write(journalFile.resolveSibling(String.format("%020d%s", generation + 1, LogJournal.SUFFIX)),
                next.array());
        return crashed;
    }

    private static long generationOf(Path journalFile) {
        String name = journalFile.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - LogJournal.SUFFIX.length()));
    }

    /** The position after the first {@code count} entries of a journal file. */
    private static int entriesEnd(byte[] journalFile, int count) {
        int end = 0;
        for (int entry = 0; entry < count; entry++) {
            end += 8 + java.nio.ByteBuffer.wrap(journalFile).getInt(end);
        }
        return end;
    }

    /** The entries between {@code from} and {@code to}, written again as the journal would in {@code generation}. */
    private static byte[] resealed(byte[] journalFile, int from, int to, long generation) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(journalFile);
        for (int at = from; at < to; at += 8 + bytes.getInt(at)) {
            int body = at + 8;
            byte type = bytes.get(body);
            byte[] key = java.util.Arrays.copyOfRange(journalFile, body + 3, body + 3 + bytes.getShort(body + 1));
            java.nio.ByteBuffer batches = bytes.duplicate().position(body + 3 + key.length)
                    .limit(at + 8 + bytes.getInt(at)).slice();
            java.nio.ByteBuffer header = LogJournal.header(generation, type, key, batches);
            out.write(header.array(), 0, header.limit());
            out.write(journalFile, batches.arrayOffset(), batches.remaining());
        }
        return out.toByteArray();
    }

    private static Path activeFile(Path data) throws IOException {
        List<Path> journalFiles = files(data.resolve("journal"), LogJournal.SUFFIX);
        return journalFiles.get(journalFiles.size() - 1);
    }

    private static void awaitSpare(LogJournal journal) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (journal.fillingSpare()) {
            assertThat(System.nanoTime()).as("the spare journal file zero-filled within 10 s").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void aClosedLogsEntriesAreNeverReplayedIntoALaterLogOfTheSameName() throws Exception {
        Path data = root.resolve("data");
        LogJournal journal = journal(data, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog deleted = log(data, 0, journal);
        SegmentedLog kept = log(data, 1, journal);
        for (int i = 0; i < 5; i++) {
            deleted.append(TestBatches.values(i, "old-" + i)).durable().join();
            kept.append(TestBatches.values(i, "kept-" + i)).durable().join();
        }
        deleted.close(); // as a topic deletion does, before the directory goes
        opened.remove(deleted);
        Path crashed = crashCopy(data);
        LogFiles.deleteRecursively(crashed.resolve("orders-0"));
        Files.createDirectories(crashed.resolve("orders-0")); // a topic of the same name, created again
        for (Path segment : files(crashed.resolve("orders-1"), ".log")) {
            truncate(segment, 0);
        }

        LogJournal recovered = journal(crashed, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog recreated = log(crashed, 0, recovered);
        SegmentedLog keptAgain = log(crashed, 1, recovered);
        recovered.finishRecovery();

        assertThat(recreated.logEndOffset()).as("nothing of the closed log's life").isZero();
        assertThat(readAll(keptAgain))
                .containsExactlyElementsOf(values("kept-", 5));
    }

    @Test
    void checkpointsFsyncTheSegmentsAndDeleteTheOlderJournalFiles() throws Exception {
        Path data = root.resolve("data");
        LogJournal journal = journal(data, 4096);
        SegmentedLog zero = log(data, 0, journal);
        SegmentedLog one = log(data, 1, journal);
        for (int i = 0; i < 300; i++) {
            zero.append(TestBatches.values(i, "zero-" + i)).durable().join();
            one.append(TestBatches.values(i, "one-" + i)).durable().join();
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (files(data.resolve("journal"), LogJournal.SUFFIX).size() > 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // 300 appends of ~90 bytes to two logs is ~50 KiB of journal: a dozen rolls, each checkpointed away
        assertThat(files(data.resolve("journal"), LogJournal.SUFFIX)).hasSizeLessThanOrEqualTo(2);
        assertThat(zero.fsyncRounds()).as("group commits still go to the journal").isZero();
        assertThat(new OffsetCheckpointFile(data.resolve("orders-0").resolve(OffsetCheckpointFile.RECOVERY_POINT))
                .read().orElse(0)).as("recovery point moved by checkpoints").isPositive();

        Path crashed = crashCopy(data);
        LogJournal recovered = journal(crashed, 4096);
        SegmentedLog zeroAgain = log(crashed, 0, recovered);
        SegmentedLog oneAgain = log(crashed, 1, recovered);
        recovered.finishRecovery();
        assertThat(readAll(zeroAgain))
                .containsExactlyElementsOf(values("zero-", 300));
        assertThat(oneAgain.logEndOffset()).isEqualTo(300);
    }

    @Test
    void concurrentAppendersAreAllAcknowledgedWhileTheJournalRollsAndCheckpoints() throws Exception {
        Path data = root.resolve("data");
        LogJournal journal = journal(data, 4096);
        List<SegmentedLog> logs = List.of(log(data, 0, journal), log(data, 1, journal), log(data, 2, journal));
        int threads = 4;
        int appendsPerThread = 1500;
        List<Thread> appenders = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Long>> durable = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread appender = new Thread(() -> {
                for (int i = 0; i < appendsPerThread; i++) {
                    AppendResult r = logs.get((thread + i) % logs.size()).append(TestBatches.values(i, "t" + thread + "-" + i));
                    durable.add(r.durable());
                    if (i % 50 == 0) {
                        r.durable().join(); // a mix of waiting and pipelined appenders
                    }
                }
            });
            appender.start();
            appenders.add(appender);
        }
        for (Thread t : appenders) {
            t.join();
        }
        java.util.concurrent.CompletableFuture.allOf(durable.toArray(new java.util.concurrent.CompletableFuture[0]))
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        long total = 0;
        for (SegmentedLog log : logs) {
            assertThat(log.highWatermark()).isEqualTo(log.logEndOffset());
            total += log.logEndOffset();
        }
        assertThat(total).isEqualTo((long) threads * appendsPerThread);
    }

    @Test
    void aCleanCloseLeavesNoJournalFiles() throws Exception {
        Path data = root.resolve("data");
        LogJournal journal = journal(data, LogJournal.DEFAULT_FILE_BYTES);
        SegmentedLog log = log(data, 0, journal);
        log.append(TestBatches.values(1, "a")).durable().join();
        journal.finishRecovery();
        log.close();
        opened.remove(log);
        journal.close();
        journals.remove(journal);

        assertThat(LogJournal.hasFiles(data.resolve("journal"))).isFalse();
        LogJournal reopened = journal(data, LogJournal.DEFAULT_FILE_BYTES);
        assertThat(TestBatches.valuesOf(log(data, 0, reopened).read(0, 1000, true).records())).containsExactly("a");
    }

    /** Every record from offset 0 to the high watermark (a read stops at a segment's end). */
    private static List<String> readAll(PartitionLog log) {
        List<String> values = new ArrayList<>();
        for (long offset = 0; offset < log.highWatermark(); ) {
            org.apache.kafka.common.record.Records records = log.read(offset, 1 << 20, true).records();
            values.addAll(TestBatches.valuesOf(records));
            offset = TestBatches.offsetsOf(records).get(TestBatches.offsetsOf(records).size() - 1) + 1;
        }
        return values;
    }

    private static List<String> values(String prefix, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }

    private static void appendDurably(PartitionLog log, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            log.append(TestBatches.values(i, prefix + i)).durable().join();
        }
    }

    /** What a crash leaves when none of the segments' writes reached the disk (the journal's were fsynced). */
    private Path crashLosingSegmentWrites(Path data) throws IOException {
        Path crashed = crashCopy(data);
        for (Path segment : files(crashed, ".log")) {
            truncate(segment, 0);
        }
        return crashed;
    }

    /** What a crash leaves, before the unsynced writes are dropped: a copy of every file as the page cache holds it. */
    private Path crashCopy(Path data) throws IOException {
        Path copy = root.resolve("crashed-" + System.nanoTime());
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(data.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }
}
