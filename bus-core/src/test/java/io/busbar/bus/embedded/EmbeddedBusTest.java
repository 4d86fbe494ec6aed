package io.busbar.bus.embedded;

import io.busbar.bus.Bus;
import io.busbar.bus.BusClosedException;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.DataDirectoryLockedException;
import io.busbar.bus.Header;
import io.busbar.bus.InvalidTopicException;
import io.busbar.bus.OffsetResetPolicy;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicExistsException;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedBusTest {
    @TempDir
    Path dir;

    private Bus open() {
        return Bus.open(BusConfig.builder(dir).build());
    }

    @Test
    void sentRecordsAreReadBackWithKeysHeadersAndTimestamps() {
        try (Bus bus = open()) {
            bus.admin().createTopic("orders", 3, Map.of());
            BusRecord record = new BusRecord(null, "k1".getBytes(), "v1".getBytes(),
                    List.of(Header.of("source", "test"), Header.of("source", "again"), new Header("empty", null)), 1234L);
            RecordMetadata md = bus.producer().send("orders", record).join();
            assertThat(md.offset()).isZero();
            assertThat(md.timestamp()).isEqualTo(1234L);

            try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
                TopicPartition tp = new TopicPartition("orders", md.partition());
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumedRecord> records = consumer.poll(Duration.ofSeconds(5));
                assertThat(records).hasSize(1);
                ConsumedRecord r = records.get(0);
                assertThat(r.keyAsString()).isEqualTo("k1");
                assertThat(r.valueAsString()).isEqualTo("v1");
                assertThat(r.timestamp()).isEqualTo(1234L);
                assertThat(r.headers()).extracting(Header::key).containsExactly("source", "source", "empty");
                assertThat(r.headers().get(1).valueAsString()).isEqualTo("again");
                assertThat(r.headers().get(2).value()).isNull();
                assertThat(consumer.position(tp)).isEqualTo(1);
            }
        }
    }

    @Test
    void fsyncsRunOnAsManyLogThreadsAsConfigured() {
        Set<String> before = logThreadNames();
        try (Bus bus = Bus.open(BusConfig.builder(dir).logFlushThreads(3).build())) {
            bus.admin().createTopic("orders", 6, Map.of());
            for (int round = 0; round < 10; round++) {
                List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
                for (int p = 0; p < 6; p++) {
                    sent.add(bus.producer().send("orders", new BusRecord(p, null, "v".getBytes(), List.of(), 1L)));
                }
                sent.forEach(CompletableFuture::join);
            }
            Set<String> started = logThreadNames();
            started.removeAll(before);
            // the scheduler starts a thread per task until it has its configured number, and never more
            assertThat(started).hasSize(3);
        }
        assertThatThrownBy(() -> BusConfig.builder(dir).logFlushThreads(0).build())
                .hasMessageContaining("busbar.log.flush.threads = 0").hasMessageContaining("at least 1");
    }

    @Test
    void zeroFillsAheadOfTheAppendsOnlyWhenConfigured() throws Exception {
        byte[] value = "x".repeat(1000).getBytes();
        Map<String, String> topic = Map.of("segment.bytes", "1048576");
        for (int preallocate : new int[] {0, 4096}) {
            Path data = dir.resolve("prealloc-" + preallocate);
            try (Bus bus = Bus.open(BusConfig.builder(data).logPreallocateBytes(preallocate).build())) {
                bus.admin().createTopic("orders", 1, topic);
                for (int i = 0; i < 50; i++) {
                    bus.producer().send("orders", new BusRecord(0, null, value, List.of(), 1L)).join();
                }
                Path file = data.resolve("orders-0").resolve("00000000000000000000.log");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (preallocate > 0 && !endsWithZeros(file, 2048) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                // a record batch never ends with 2 KiB of zeros: only preallocated space does
                assertThat(endsWithZeros(file, 2048)).as("zeros after the records with %d", preallocate)
                        .isEqualTo(preallocate > 0);
            }
        }
        assertThatThrownBy(() -> BusConfig.builder(dir).logPreallocateBytes(100).build())
                .hasMessageContaining("busbar.log.preallocate.bytes = 100").hasMessageContaining("0 (off) or at least 512");
    }

    private static boolean endsWithZeros(Path file, int bytes) throws java.io.IOException {
        byte[] all = java.nio.file.Files.readAllBytes(file);
        if (all.length < bytes) {
            return false;
        }
        for (int i = all.length - bytes; i < all.length; i++) {
            if (all[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> logThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.matches("busbar-log-\\d+-\\d+")).collect(Collectors.toCollection(HashSet::new));
    }

    @Test
    void recordsOfOnePartitionKeepSendOrderAcrossManyBatches() {
        try (Bus bus = open()) {
            bus.admin().createTopic("seq", 1, Map.of());
            List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                futures.add(bus.producer().send("seq", BusRecord.of(null, ("v" + i).getBytes())));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).join().offset()).isEqualTo(i);
            }
            List<ConsumedRecord> all = readAll(bus, new TopicPartition("seq", 0), 20_000);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).offset()).isEqualTo(i);
                assertThat(all.get(i).valueAsString()).isEqualTo("v" + i);
            }
        }
    }

    @Test
    void manyProducerThreadsGetDistinctGaplessOffsets() throws Exception {
        try (Bus bus = open()) {
            bus.admin().createTopic("multi", 2, Map.of());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<List<RecordMetadata>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
                    for (int i = 0; i < 5_000; i++) {
                        fs.add(bus.producer().send("multi", BusRecord.of(Integer.toString(i), "x")));
                    }
                    return fs.stream().map(CompletableFuture::join).toList();
                }));
            }
            long[] counts = new long[2];
            java.util.Set<Long>[] offsets = new java.util.Set[] {new java.util.HashSet<Long>(), new java.util.HashSet<Long>()};
            for (Future<List<RecordMetadata>> f : results) {
                for (RecordMetadata md : f.get()) {
                    counts[md.partition()]++;
                    assertThat(offsets[md.partition()].add(md.offset())).isTrue();
                }
            }
            pool.shutdown();
            TopicDescription d = bus.admin().describeTopic("multi");
            for (int p = 0; p < 2; p++) {
                long count = counts[p];
                assertThat(d.partitions().get(p).endOffset()).isEqualTo(count);
                assertThat(offsets[p]).allMatch(o -> o >= 0 && o < count);
            }
        }
    }

    @Test
    void dataSurvivesAReopen() {
        try (Bus bus = open()) {
            bus.admin().createTopic("keep", 2, Map.of("retention.ms", "-1"));
            for (int i = 0; i < 100; i++) {
                bus.producer().send("keep", BusRecord.of("k" + i, "v" + i));
            }
            bus.producer().flush();
        }
        try (Bus bus = open()) {
            TopicDescription d = bus.admin().describeTopic("keep");
            assertThat(d.partitions()).hasSize(2);
            assertThat(d.partitions().stream().mapToLong(TopicDescription.PartitionDescription::endOffset).sum()).isEqualTo(100);
            assertThat(d.config()).containsEntry("retention.ms", "-1");
            long read = readAll(bus, new TopicPartition("keep", 0), -1).size() + readAll(bus, new TopicPartition("keep", 1), -1).size();
            assertThat(read).isEqualTo(100);
        }
    }

    @Test
    void pollWakesAsSoonAsARecordArrives() throws Exception {
        try (Bus bus = open()) {
            bus.admin().createTopic("wake", 1, Map.of());
            TopicPartition tp = new TopicPartition("wake", 0);
            try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().autoOffsetReset(OffsetResetPolicy.LATEST).build())) {
                consumer.assign(List.of(tp));
                assertThat(consumer.position(tp)).isZero();
                CompletableFuture<List<ConsumedRecord>> polled = CompletableFuture.supplyAsync(() -> consumer.poll(Duration.ofSeconds(30)));
                Thread.sleep(200); // let the poll start waiting
                bus.producer().send("wake", BusRecord.of("k", "late")).join();
                List<ConsumedRecord> got = polled.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(got).extracting(ConsumedRecord::valueAsString).containsExactly("late");
            }
        }
    }

    @Test
    void wakeupEndsABlockedPoll() throws Exception {
        try (Bus bus = open()) {
            bus.admin().createTopic("idle", 1, Map.of());
            try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
                consumer.assign(List.of(new TopicPartition("idle", 0)));
                CompletableFuture<List<ConsumedRecord>> polled = CompletableFuture.supplyAsync(() -> consumer.poll(Duration.ofSeconds(60)));
                Thread.sleep(200);
                consumer.wakeup();
                assertThat(polled.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
            }
        }
    }

    @Test
    void pausedPartitionsReturnNothingUntilResumed() {
        try (Bus bus = open()) {
            bus.admin().createTopic("p", 1, Map.of());
            bus.producer().send("p", BusRecord.of("k", "v")).join();
            TopicPartition tp = new TopicPartition("p", 0);
            try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().build())) {
                consumer.assign(List.of(tp));
                consumer.pause(List.of(tp));
                assertThat(consumer.poll(Duration.ofMillis(100))).isEmpty();
                assertThat(consumer.paused()).containsExactly(tp);
                consumer.resume(List.of(tp));
                assertThat(consumer.poll(Duration.ofSeconds(5))).hasSize(1);
            }
        }
    }

    @Test
    void topicAdministration() {
        try (Bus bus = open()) {
            TopicDescription created = bus.admin().createTopic("admin.t_1-x", 2, Map.of("cleanup.policy", "compact"));
            assertThat(created.partitions()).hasSize(2);
            assertThat(created.config()).containsEntry("cleanup.policy", "compact");
            assertThatThrownBy(() -> bus.admin().createTopic("admin.t_1-x", 2, Map.of())).isInstanceOf(TopicExistsException.class);
            assertThatThrownBy(() -> bus.admin().createTopic("a b", 1, Map.of()))
                    .isInstanceOf(InvalidTopicException.class).hasMessageContaining("'a b' is invalid");
            assertThatThrownBy(() -> bus.admin().createTopic("x".repeat(250), 1, Map.of())).isInstanceOf(InvalidTopicException.class);
            bus.admin().createPartitions("admin.t_1-x", 4);
            assertThat(bus.admin().describeTopic("admin.t_1-x").partitions()).hasSize(4);
            assertThat(bus.admin().listTopics(false)).containsExactly("admin.t_1-x");
            assertThat(bus.admin().listTopics(true)).contains(EmbeddedBus.OFFSETS_TOPIC);
            EmbeddedBus embedded = (EmbeddedBus) bus;
            assertThat(embedded.topicById(created.topicId())).map(TopicMetadata::name).contains("admin.t_1-x");
            assertThat(embedded.topicById(created.topicId()).orElseThrow().partitions()).isEqualTo(4);
            bus.admin().deleteTopic("admin.t_1-x");
            assertThat(embedded.topicById(created.topicId())).isEmpty();
            assertThat(bus.admin().listTopics(false)).isEmpty();
            assertThatThrownBy(() -> bus.admin().describeTopic("admin.t_1-x")).isInstanceOf(UnknownTopicException.class);
        }
        try (Bus bus = open()) {
            assertThat(bus.admin().listTopics(false)).isEmpty();
        }
    }

    @Test
    void oversizedRecordIsRefusedWithTheSettingToChange() {
        try (Bus bus = open()) {
            bus.admin().createTopic("small", 1, Map.of("max.message.bytes", "1000"));
            CompletableFuture<RecordMetadata> f = bus.producer().send("small", BusRecord.of(null, new byte[2000]));
            assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class)
                    .hasMessageContaining("max.message.bytes");
            assertThat(bus.producer().send("small", BusRecord.of(null, new byte[100])).join().offset()).isZero();
        }
    }

    @Test
    void autoCreatesTopicsOnFirstSendUnlessDisabled() {
        try (Bus bus = open()) {
            bus.producer().send("auto", BusRecord.of("k", "v")).join();
            assertThat(bus.admin().listTopics(false)).contains("auto");
        }
        try (Bus bus = Bus.open(BusConfig.builder(dir).autoCreateTopics(false).build())) {
            assertThatThrownBy(() -> bus.producer().send("other", BusRecord.of("k", "v")).join())
                    .hasCauseInstanceOf(UnknownTopicException.class);
        }
    }

    @Test
    void secondBusOnTheSameDirectoryIsRefused() {
        try (Bus bus = open()) {
            assertThatThrownBy(this::open).isInstanceOf(DataDirectoryLockedException.class)
                    .hasMessageContaining("busbar.data.dir");
        }
        open().close(); // released on close
    }

    @Test
    void closedBusRefusesWork() {
        Bus bus = open();
        bus.close();
        assertThatThrownBy(bus::producer).isInstanceOf(BusClosedException.class);
    }

    @Test
    void readingBelowTheStartOrPastTheEndIsAClearError() {
        try (Bus bus = open()) {
            bus.admin().createTopic("range", 1, Map.of());
            bus.producer().send("range", BusRecord.of("k", "v")).join();
            var log = ((EmbeddedBus) bus).partitionLog(new TopicPartition("range", 0));
            assertThatThrownBy(() -> log.read(5, 1024, true)).isInstanceOf(io.busbar.bus.OffsetOutOfRangeException.class);
            assertThat(log.read(1, 1024, true).records().sizeInBytes()).isZero();
        }
    }

    private static List<ConsumedRecord> readAll(Bus bus, TopicPartition tp, int expected) {
        List<ConsumedRecord> out = new ArrayList<>();
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().maxPollRecords(5000).build())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = bus.admin().describeTopic(tp.topic()).partitions().get(tp.partition()).endOffset();
            while (consumer.position(tp) < end) {
                out.addAll(consumer.poll(Duration.ofSeconds(5)));
            }
        }
        if (expected >= 0) {
            assertThat(out).hasSize(expected);
        }
        return out;
    }
}
