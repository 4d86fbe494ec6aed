package io.busbar.bus.log;

import io.busbar.bus.Durability;
import io.busbar.bus.OffsetOutOfRangeException;
import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentedLogTest {
    static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;

    private final List<PartitionLog> opened = new ArrayList<>();
    private final LogScheduler scheduler = new LogScheduler(1);

    @AfterEach
    void closeAll() {
        opened.forEach(PartitionLog::close);
        scheduler.close();
    }

    private PartitionLog open(TopicConfig config, LogOptions options) {
        PartitionLog log = PartitionLogs.open(dir.resolve("orders-0"), TP, config, options, scheduler);
        opened.add(log);
        return log;
    }

    private PartitionLog open() {
        return open(TopicConfig.DEFAULT, LogOptions.DEFAULT);
    }

    /** Offsets 0 to 9, one durable batch of one 100-byte record each: batches of one size, for byte limits. */
    private PartitionLog openWithTenOneRecordBatches() {
        PartitionLog log = open();
        for (int i = 0; i < 10; i++) {
            log.append(TestBatches.sized(1, 1, 100)).durable().join();
        }
        return log;
    }

    private static TopicConfig config(Map<String, String> overrides) {
        return TopicConfig.DEFAULT.with(overrides);
    }

    @Test
    void assignsOffsetsFromTheLogEndAndReadsThemBack() throws Exception {
        PartitionLog log = open();
        AppendResult first = log.append(TestBatches.values(1000, "a", "b", "c"));
        AppendResult second = log.append(TestBatches.values(2000, "d", "e"));

        assertThat(first.baseOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(first.recordCount()).isEqualTo(3);
        assertThat(second.baseOffset()).isEqualTo(3);
        assertThat(second.lastOffset()).isEqualTo(4);
        assertThat(second.maxTimestamp()).isEqualTo(2000);
        assertThat(second.durable().get(10, TimeUnit.SECONDS)).isEqualTo(5L);
        assertThat(log.highWatermark()).isEqualTo(5);
        assertThat(log.logEndOffset()).isEqualTo(5);

        LogReadResult read = log.read(0, 1 << 20, true);
        assertThat(TestBatches.valuesOf(read.records())).containsExactly("a", "b", "c", "d", "e");
        assertThat(TestBatches.offsetsOf(read.records())).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(read.highWatermark()).isEqualTo(5);
        assertThat(read.logStartOffset()).isZero();
        for (RecordBatch batch : read.records().batches()) {
            batch.ensureValid(); // the rewritten base offset is outside the CRC
        }
    }

    @Test
    void keepsTheProducersCreateTimestamps() {
        PartitionLog log = open();
        log.append(TestBatches.values(123_456, "a")).durable().join();
        Record r = log.read(0, 1000, true).records().records().iterator().next();
        assertThat(r.timestamp()).isEqualTo(123_456);
    }

    @Test
    void readingInsideABatchReturnsTheWholeBatch() {
        PartitionLog log = open();
        log.append(TestBatches.values(1, "a", "b", "c")).durable().join();
        LogReadResult read = log.read(1, 1 << 20, true);
        assertThat(TestBatches.offsetsOf(read.records())).containsExactly(0L, 1L, 2L);
    }

    @Test
    void readsWholeBatchesUpToMaxBytesAndAtLeastOneWhenAsked() {
        PartitionLog log = openWithTenOneRecordBatches();
        int batchSize = log.read(0, 1, true).records().sizeInBytes();
        assertThat(batchSize).isGreaterThan(100);

        assertThat(log.read(0, batchSize * 3 + 10, true).records().sizeInBytes()).isEqualTo(batchSize * 3);
        assertThat(log.read(0, 1, true).records().sizeInBytes()).isEqualTo(batchSize);
        assertThat(log.read(0, 1, false).records().sizeInBytes()).isZero();
    }

    @Test
    void aSliceEndsAtTheByteLimitEvenInsideABatchButNeverPastTheHighWatermark() {
        PartitionLog log = openWithTenOneRecordBatches();
        int batchSize = log.read(0, 1, true).records().sizeInBytes();

        // from the batch holding offset 4: three whole batches and the first 10 bytes of the next
        Records slice = log.readSlice(4, batchSize * 3 + 10, true).records();
        assertThat(slice.sizeInBytes()).isEqualTo(batchSize * 3 + 10);
        assertThat(TestBatches.offsetsOf(slice)).as("a partial batch is not read as one").containsExactly(4L, 5L, 6L);
        // KIP-74: the first batch whole when asked, even over the limit; nothing when not asked and it does not fit
        assertThat(log.readSlice(0, 1, true).records().sizeInBytes()).isEqualTo(batchSize);
        assertThat(log.readSlice(0, 1, false).records().sizeInBytes()).isZero();

        // appended but not yet durable: held back by an open scope, so past the high watermark
        InlineCommitScope.begin();
        try {
            AppendResult pending = log.append(TestBatches.sized(1, 1, 100));
            assertThat(pending.durable()).isNotDone();
            assertThat(log.readSlice(8, 1 << 20, true).records().sizeInBytes()).isEqualTo(batchSize * 2);
            assertThat(log.readSlice(10, 1 << 20, true).records().sizeInBytes()).isZero();
        } finally {
            InlineCommitScope.end();
        }
        assertThat(log.readSlice(8, 1 << 20, true).records().sizeInBytes()).isEqualTo(batchSize * 3);
    }

    @Test
    void readsAtTheHighWatermarkAreEmptyAndPastItOrBelowStartAreOutOfRange() {
        PartitionLog log = open();
        log.append(TestBatches.values(1, "a", "b")).durable().join();
        assertThat(log.read(2, 1000, true).records().sizeInBytes()).isZero();
        assertThatThrownBy(() -> log.read(3, 1000, true))
                .isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("orders-0").hasMessageContaining("Offset 3");
        assertThatThrownBy(() -> log.read(-1, 1000, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void durableWaitsForTheFsyncAndReadersNeverSeePastTheHighWatermark() throws Exception {
        PartitionLog log = open();
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> await(release)); // occupies the only flusher thread

        AppendResult result = log.append(TestBatches.values(1, "a"));
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(result.durable()).isNotDone();
        assertThat(log.highWatermark()).isZero();
        assertThat(log.read(0, 1000, true).records().sizeInBytes()).isZero();
        CompletableFuture<Void> waiter = log.awaitHighWatermarkAbove(0);
        assertThat(waiter).isNotDone();

        release.countDown();
        assertThat(result.durable().get(10, TimeUnit.SECONDS)).isEqualTo(1L);
        waiter.get(10, TimeUnit.SECONDS);
        assertThat(log.highWatermark()).isEqualTo(1);
        assertThat(TestBatches.valuesOf(log.read(0, 1000, true).records())).containsExactly("a");
    }

    @Test
    void aLoneAppenderNeverWaitsForItsFsyncButPipelinedAppendsDo() throws Exception {
        SegmentedLog log = (SegmentedLog) open();
        for (int i = 0; i < 3; i++) { // one append in flight at a time: every round covers one
            log.append(TestBatches.values(1, "lone" + i)).durable().get(10, TimeUnit.SECONDS);
            assertThat(log.commitDelayNanos()).isZero();
        }
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> await(release));
        List<CompletableFuture<Long>> durable = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            durable.add(log.append(TestBatches.values(1, "piped" + i)).durable());
        }
        release.countDown();
        CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        // the round covered ten appends: the next one waits, but never more than the bound
        assertThat(log.commitDelayNanos()).isPositive().isLessThanOrEqualTo(LogFlusher.MAX_COMMIT_DELAY_NANOS);
        log.append(TestBatches.values(1, "after")).durable().get(10, TimeUnit.SECONDS);
        assertThat(log.commitDelayNanos()).isZero();
    }

    @Test
    void appendsArrivingTogetherShareOneFsync() throws Exception {
        SegmentedLog log = (SegmentedLog) open();
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> await(release));
        List<CompletableFuture<Long>> durable = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            durable.add(log.append(TestBatches.values(1, "v" + i)).durable());
        }
        long roundsBefore = log.fsyncRounds();
        release.countDown();
        CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(log.fsyncRounds() - roundsBefore).isEqualTo(1);
        assertThat(durable).allSatisfy(f -> assertThat(f.join()).isEqualTo(100L));
    }

    @Test
    void inAnInlineCommitScopeTheAppendingThreadFsyncsAtTheEndOfTheScopeAndNotBefore() throws Exception {
        SegmentedLog log = (SegmentedLog) open();
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> await(release)); // the only flusher thread is busy: only this thread can commit
        try {
            InlineCommitScope.begin();
            AppendResult first = log.append(TestBatches.values(1, "a"));
            AppendResult second = log.append(TestBatches.values(2, "b")); // pipelined in the same read
            long roundsBefore = log.fsyncRounds();
            assertThat(first.durable()).isNotDone();
            assertThat(log.highWatermark()).isZero();
            assertThat(log.read(0, 1000, true).records().sizeInBytes()).isZero();
            Thread appender = Thread.currentThread();
            CompletableFuture<Thread> completedOn = second.durable().thenApply(hw -> Thread.currentThread());

            InlineCommitScope.end();

            assertThat(first.durable()).isCompletedWithValue(2L); // done on return: no other thread was free
            assertThat(completedOn).isCompletedWithValue(appender);
            assertThat(log.fsyncRounds() - roundsBefore).isEqualTo(1); // both appends shared one fsync
            assertThat(log.highWatermark()).isEqualTo(2);
            assertThat(TestBatches.valuesOf(log.read(0, 1000, true).records())).containsExactly("a", "b");
            // that round covered two appends: the next commit waits (commit delay), so it goes to the scheduler
            InlineCommitScope.begin();
            AppendResult delayed = log.append(TestBatches.values(3, "c"));
            InlineCommitScope.end();
            assertThat(delayed.durable()).isNotDone();
            assertThat(log.highWatermark()).isEqualTo(2);
            release.countDown();
            assertThat(delayed.durable().get(10, TimeUnit.SECONDS)).isEqualTo(3L);
        } finally {
            InlineCommitScope.end();
            release.countDown();
        }
    }

    @Test
    void anInlineCommitScopeRunsOneCommitOnItsThreadAndHandsTheOthersToTheScheduler() throws Exception {
        PartitionLog one = open();
        PartitionLog two = PartitionLogs.open(dir.resolve("orders-1"), new TopicPartition("orders", 1),
                TopicConfig.DEFAULT, LogOptions.DEFAULT, scheduler);
        opened.add(two);
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> await(release));
        InlineCommitScope.begin();
        AppendResult a = one.append(TestBatches.values(1, "a"));
        AppendResult b = two.append(TestBatches.values(1, "b"));
        Thread appender = Thread.currentThread();
        CompletableFuture<Thread> aOn = a.durable().thenApply(hw -> Thread.currentThread());
        CompletableFuture<Thread> bOn = b.durable().thenApply(hw -> Thread.currentThread());
        InlineCommitScope.end();
        assertThat(aOn).isCompletedWithValue(appender);
        assertThat(b.durable()).isNotDone(); // queued behind the busy flusher thread
        release.countDown();
        assertThat(bOn.get(10, TimeUnit.SECONDS)).isNotSameAs(appender);
        assertThat(InlineCommitScope.isOpen()).isFalse();
    }

    @Test
    void aDelayedCommitStartsOnTheAppendingThreadOnceAsManyAppendsAskedAsTheLastRoundCovered() throws Exception {
        SegmentedLog log = (SegmentedLog) open();
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> await(release)); // the timer cannot fire: only an early start can commit
        try {
            appendInOneScope(log, "a", "b"); // a round of two, on this thread: the next commit is delayed
            assertThat(log.highWatermark()).isEqualTo(2);
            long roundsBefore = log.fsyncRounds();

            AppendResult c = appendInOneScope(log, "c");
            assertThat(c.durable()).as("one of the two appends the last round covered").isNotDone();
            AppendResult d = appendInOneScope(log, "d");

            assertThat(d.durable()).as("the second one starts the commit at its scope's end").isCompletedWithValue(4L);
            assertThat(c.durable()).isCompletedWithValue(4L);
            assertThat(log.fsyncRounds() - roundsBefore).isEqualTo(1);
            release.countDown();
            // the cancelled timer's slot: even had it fired, it would have found the commit claimed
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(LogFlusher.MAX_COMMIT_DELAY_NANOS) + 20);
            assertThat(log.fsyncRounds() - roundsBefore).isEqualTo(1);
            assertThat(TestBatches.valuesOf(log.read(0, 1000, true).records())).containsExactly("a", "b", "c", "d");
        } finally {
            release.countDown();
        }
    }

    @Test
    void whileAnotherLogCommitsADelayedCommitWaitsOutItsDelayOnTheScheduler() throws Exception {
        SegmentedLog one = (SegmentedLog) open();
        SegmentedLog two = (SegmentedLog) PartitionLogs.open(dir.resolve("orders-1"), new TopicPartition("orders", 1),
                TopicConfig.DEFAULT, LogOptions.DEFAULT, scheduler);
        opened.add(two);
        InlineCommitScope.begin(); // a round of two for each log: their next commits are delayed
        for (String value : List.of("a", "b")) {
            one.append(TestBatches.values(1, value));
            two.append(TestBatches.values(1, value));
        }
        InlineCommitScope.end();
        one.awaitHighWatermarkAbove(1).get(10, TimeUnit.SECONDS);
        two.awaitHighWatermarkAbove(1).get(10, TimeUnit.SECONDS);
        assertThat(one.commitDelayNanos()).isPositive();
        assertThat(two.commitDelayNanos()).isPositive();

        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> await(release));
        List<AppendResult> results = new ArrayList<>();
        List<CompletableFuture<Thread>> completedOn = new ArrayList<>();
        try {
            for (String value : List.of("c", "d")) { // as many as the last round: alone, each log would start early
                InlineCommitScope.begin();
                results.add(one.append(TestBatches.values(1, value)));
                results.add(two.append(TestBatches.values(1, value)));
                InlineCommitScope.end();
            }
            // each found the other log's commit under way: neither starts early, and their timers are blocked
            assertThat(results).allSatisfy(r -> assertThat(r.durable()).isNotDone());
            results.forEach(r -> completedOn.add(r.durable().thenApply(hw -> Thread.currentThread())));
        } finally {
            release.countDown();
        }
        Thread appender = Thread.currentThread();
        for (CompletableFuture<Thread> on : completedOn) {
            assertThat(on.get(10, TimeUnit.SECONDS)).isNotSameAs(appender);
        }
        assertThat(one.highWatermark()).isEqualTo(4);
        assertThat(two.highWatermark()).isEqualTo(4);
    }

    private static AppendResult appendInOneScope(PartitionLog log, String... values) {
        InlineCommitScope.begin();
        try {
            AppendResult last = null;
            for (String value : values) {
                last = log.append(TestBatches.values(1, value));
            }
            return last;
        } finally {
            InlineCommitScope.end();
        }
    }

    @Test
    void withoutAnInlineCommitScopeTheSchedulerCommits() throws Exception {
        PartitionLog log = open();
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> await(release));
        Thread appender = Thread.currentThread();
        AppendResult result = log.append(TestBatches.values(1, "a"));
        CompletableFuture<Thread> on = result.durable().thenApply(hw -> Thread.currentThread());
        release.countDown();
        assertThat(on.get(10, TimeUnit.SECONDS)).isNotSameAs(appender);
    }

    @Test
    void intervalAndOsDurabilityCompleteAtWrite() {
        for (Durability durability : List.of(Durability.INTERVAL, Durability.OS)) {
            PartitionLog log = PartitionLogs.open(dir.resolve(durability.name()), TP, TopicConfig.DEFAULT,
                    LogOptions.DEFAULT.withDurability(durability), scheduler);
            opened.add(log);
            AppendResult result = log.append(TestBatches.values(1, "a"));
            assertThat(result.durable()).isCompletedWithValue(1L);
            assertThat(log.highWatermark()).isEqualTo(1);
        }
    }

    @Test
    void awaitHighWatermarkAboveCompletesAtOnceWhenAlreadyPastAndOnClose() throws Exception {
        PartitionLog log = open();
        log.append(TestBatches.values(1, "a")).durable().join();
        assertThat(log.awaitHighWatermarkAbove(0)).isDone();
        CompletableFuture<Void> waiter = log.awaitHighWatermarkAbove(5);
        assertThat(waiter).isNotDone();
        log.close();
        waiter.get(10, TimeUnit.SECONDS);
    }

    @Test
    void rollsSegmentsBySegmentBytes() throws Exception {
        PartitionLog log = open(config(Map.of(TopicConfig.SEGMENT_BYTES, "4096")), LogOptions.DEFAULT);
        for (int i = 0; i < 50; i++) {
            log.append(TestBatches.sized(1, 5, 100)).durable().join();
        }
        List<String> logs = segmentFiles(".log");
        assertThat(logs.size()).isGreaterThan(5);
        assertThat(logs.get(0)).isEqualTo("00000000000000000000.log");
        for (String name : logs) {
            assertThat(Files.size(dir.resolve("orders-0").resolve(name))).isLessThanOrEqualTo(4096);
        }
        assertThat(TestBatches.readAll(log, 0)).hasSize(250);
    }

    @Test
    void rollsSegmentsBySegmentMs() {
        AtomicLong now = new AtomicLong(1_000_000);
        PartitionLog log = PartitionLogs.open(dir.resolve("orders-0"), TP,
                config(Map.of(TopicConfig.SEGMENT_MS, "60000")), LogOptions.DEFAULT, scheduler, false, now::get);
        opened.add(log);
        log.append(TestBatches.values(1, "a")).durable().join();
        now.addAndGet(30_000);
        log.append(TestBatches.values(1, "b")).durable().join();
        assertThat(segmentFiles(".log")).hasSize(1);
        now.addAndGet(30_000);
        log.append(TestBatches.values(1, "c")).durable().join();
        assertThat(segmentFiles(".log")).containsExactly("00000000000000000000.log", "00000000000000000002.log");
        assertThat(TestBatches.readAll(log, 0)).extracting(TestBatches::value).containsExactly("a", "b", "c");
    }

    @Test
    void segmentAgeCountsFromTheFirstRecordAcrossAReopen() {
        AtomicLong now = new AtomicLong(1_000_000);
        TopicConfig config = config(Map.of(TopicConfig.SEGMENT_MS, "60000"));
        PartitionLog log = PartitionLogs.open(dir.resolve("orders-0"), TP, config, LogOptions.DEFAULT, scheduler,
                false, now::get);
        log.append(TestBatches.values(now.get(), "a")).durable().join();
        log.close();
        now.addAndGet(50_000);
        PartitionLog reopened = PartitionLogs.open(dir.resolve("orders-0"), TP, config, LogOptions.DEFAULT, scheduler,
                false, now::get);
        opened.add(reopened);
        now.addAndGet(20_000);
        reopened.append(TestBatches.values(now.get(), "b")).durable().join();
        assertThat(segmentFiles(".log")).containsExactly("00000000000000000000.log", "00000000000000000001.log");
    }

    @Test
    void reopenKeepsEveryRecordAndContinuesTheOffsets() {
        PartitionLog log = open(config(Map.of(TopicConfig.SEGMENT_BYTES, "2048", TopicConfig.INDEX_INTERVAL_BYTES, "128")),
                LogOptions.DEFAULT);
        for (int i = 0; i < 100; i++) {
            log.append(TestBatches.values(1000 + i, "v" + i)).durable().join();
        }
        log.close();
        assertThat(dir.resolve("orders-0").resolve(CleanShutdownFile.NAME)).exists();

        PartitionLog reopened = open(config(Map.of(TopicConfig.SEGMENT_BYTES, "2048")), LogOptions.DEFAULT);
        assertThat(dir.resolve("orders-0").resolve(CleanShutdownFile.NAME)).doesNotExist();
        assertThat(reopened.logEndOffset()).isEqualTo(100);
        assertThat(reopened.highWatermark()).isEqualTo(100);
        assertThat(reopened.append(TestBatches.values(5000, "next")).baseOffset()).isEqualTo(100);
        reopened.awaitHighWatermarkAbove(100).join();
        List<Record> all = TestBatches.readAll(reopened, 0);
        assertThat(all).hasSize(101);
        for (int i = 0; i < 100; i++) {
            assertThat(all.get(i).offset()).isEqualTo(i);
            assertThat(TestBatches.value(all.get(i))).isEqualTo("v" + i);
        }
        assertThat(reopened.read(57, 10, true).records().records().iterator().next().offset()).isEqualTo(57);
        assertThat(reopened.offsetForTimestamp(1050)).isEqualTo(50);
    }

    @Test
    void findsTheFirstOffsetAtOrAfterATimestamp() {
        PartitionLog log = open(config(Map.of(TopicConfig.SEGMENT_BYTES, "1024", TopicConfig.INDEX_INTERVAL_BYTES, "100")),
                LogOptions.DEFAULT);
        for (int i = 0; i < 60; i++) {
            log.append(TestBatches.values(10_000 + i * 10L, "v" + i)).durable().join();
        }
        assertThat(log.offsetForTimestamp(0)).isZero();
        assertThat(log.offsetForTimestamp(10_000)).isZero();
        assertThat(log.offsetForTimestamp(10_001)).isEqualTo(1);
        assertThat(log.offsetForTimestamp(10_300)).isEqualTo(30);
        assertThat(log.offsetForTimestamp(10_590)).isEqualTo(59);
        assertThat(log.offsetForTimestamp(10_591)).isEqualTo(-1);
    }

    @Test
    void rejectsBatchesFailingTheirCrc() {
        PartitionLog log = open();
        MemoryRecords records = TestBatches.values(1, "hello");
        ByteBuffer buffer = records.buffer();
        buffer.put(buffer.limit() - 2, (byte) (buffer.get(buffer.limit() - 2) ^ 0x55));
        assertThatThrownBy(() -> log.append(records)).isInstanceOf(CorruptRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void rejectsBatchesOverMaxMessageBytes() {
        PartitionLog log = open(config(Map.of(TopicConfig.MAX_MESSAGE_BYTES, "500")), LogOptions.DEFAULT);
        assertThatThrownBy(() -> log.append(TestBatches.sized(1, 1, 1000)))
                .isInstanceOf(RecordTooLargeException.class)
                .hasMessageContaining("max.message.bytes = 500");
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void rejectsOldMagicBatches() {
        PartitionLog log = open();
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, 0L, Compression.NONE,
                new SimpleRecord(1L, null, "x".getBytes()));
        assertThatThrownBy(() -> log.append(v1))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("magic 1");
    }

    @Test
    void acceptsCompressedBatches() {
        PartitionLog log = open();
        MemoryRecords gzip = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.gzip().build(),
                new SimpleRecord(1L, null, "x".getBytes()), new SimpleRecord(2L, null, "y".getBytes()));
        log.append(TestBatches.values(1, "a")).durable().join();
        AppendResult result = log.append(gzip);
        result.durable().join();
        assertThat(result.baseOffset()).isEqualTo(1);
        assertThat(TestBatches.readAll(log, 0)).extracting(TestBatches::value).containsExactly("a", "x", "y");
    }

    @Test
    void intervalDurabilityFsyncsInTheBackgroundAndMovesTheRecoveryPoint() throws Exception {
        PartitionLog log = open(config(Map.of(TopicConfig.SEGMENT_BYTES, "1024")),
                LogOptions.DEFAULT.withDurability(Durability.INTERVAL).withFlushIntervalMs(20));
        Path checkpoint = dir.resolve("orders-0").resolve(OffsetCheckpointFile.RECOVERY_POINT);
        String atOpen = Files.readString(checkpoint);
        for (int i = 0; i < 40; i++) {
            log.append(TestBatches.sized(1, 1, 100));
        }
        // the checkpoint moves once the interval flush has fsynced past a rolled segment
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !Files.readString(checkpoint).equals(atOpen));
        long recoveryPoint = Long.parseLong(Files.readString(checkpoint).split("\n")[1].trim());
        assertThat(recoveryPoint).isGreaterThan(0).isLessThanOrEqualTo(40);
    }

    @Test
    void concurrentAppendersGetDistinctContiguousOffsetsWhileReadersFollow() throws Exception {
        PartitionLog log = open(config(Map.of(TopicConfig.SEGMENT_BYTES, "8192", TopicConfig.RETENTION_BYTES, "100000")),
                LogOptions.DEFAULT);
        int threads = 4;
        int perThread = 300;
        List<CompletableFuture<List<AppendResult>>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers.add(CompletableFuture.supplyAsync(() -> {
                List<AppendResult> results = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    results.add(log.append(TestBatches.values(1, thread + ":" + i, thread + ":" + i + "b")));
                }
                return results;
            }));
        }
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            long next = 0;
            long seen = 0;
            while (next < threads * perThread * 2L) {
                log.awaitHighWatermarkAbove(next).join();
                for (RecordBatch batch : log.read(next, 4096, true).records().batches()) {
                    assertThat(batch.baseOffset()).isEqualTo(next);
                    next = batch.lastOffset() + 1;
                    seen += 2;
                }
            }
            return seen;
        });
        List<Long> bases = new ArrayList<>();
        for (CompletableFuture<List<AppendResult>> w : writers) {
            for (AppendResult r : w.get(60, TimeUnit.SECONDS)) {
                r.durable().get(60, TimeUnit.SECONDS);
                assertThat(r.lastOffset()).isEqualTo(r.baseOffset() + 1);
                bases.add(r.baseOffset());
            }
        }
        assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(threads * perThread * 2L);
        assertThat(bases).doesNotHaveDuplicates().hasSize(threads * perThread);
        assertThat(bases.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(threads * perThread * 2L - 2);
        // each thread's records are in the order it sent them
        Map<String, Integer> lastSeen = new java.util.HashMap<>();
        for (Record r : TestBatches.readAll(log, 0)) {
            String[] parts = TestBatches.value(r).split(":");
            if (parts[1].endsWith("b")) {
                continue;
            }
            int i = Integer.parseInt(parts[1]);
            assertThat(i).isGreaterThan(lastSeen.getOrDefault(parts[0], -1));
            lastSeen.put(parts[0], i);
        }
        assertThat(lastSeen).hasSize(threads);
    }

    @Test
    void logsSharingASchedulerCommitIndependently() throws Exception {
        List<PartitionLog> logs = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            PartitionLog log = PartitionLogs.open(dir.resolve("orders-" + p), new TopicPartition("orders", p),
                    TopicConfig.DEFAULT, LogOptions.DEFAULT, scheduler);
            opened.add(log);
            logs.add(log);
        }
        List<CompletableFuture<Long>> durable = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            for (PartitionLog log : logs) {
                durable.add(log.append(TestBatches.values(1, "v" + i)).durable());
            }
        }
        CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(logs).allSatisfy(l -> assertThat(l.highWatermark()).isEqualTo(50));
    }

    @Test
    void deleteRemovesTheDirectory() {
        PartitionLog log = open();
        log.append(TestBatches.values(1, "a")).durable().join();
        log.delete();
        assertThat(dir.resolve("orders-0")).doesNotExist();
    }

    private List<String> segmentFiles(String suffix) {
        try (Stream<Path> files = Files.list(dir.resolve("orders-0"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
