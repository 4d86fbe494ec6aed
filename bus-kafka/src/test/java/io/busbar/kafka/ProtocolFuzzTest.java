package io.busbar.kafka;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.LogReadResult;
import io.busbar.bus.log.PartitionLog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds random and mutated request frames to the listener for a bounded time while a real producer writes to another
 * topic. Afterwards: the broker still serves an old connection, the producer's records are all there in order, and
 * every stored batch passes its CRC. ~20 s in the normal run; longer under -Psoak (busbar.kafka.fuzz.seconds).
 */
class ProtocolFuzzTest {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolFuzzTest.class);

    @TempDir
    Path dir;

    @Test
    void randomAndMutatedFramesNeitherCrashNorHangNorCorruptTheLog() throws Exception {
        fuzz(Duration.ofSeconds(Long.getLong("busbar.kafka.fuzz.seconds", 20)));
    }

    @Test
    @Tag("soak")
    void soakFuzz() throws Exception {
        fuzz(Duration.ofSeconds(Long.getLong("busbar.kafka.fuzz.soak.seconds", 300)));
    }

    private void fuzz(Duration duration) throws Exception {
        long seed = Long.getLong("busbar.kafka.fuzz.seed", System.nanoTime());
        LOG.info("Fuzzing the Kafka listener for {} with seed {} (-Dbusbar.kafka.fuzz.seed={} to replay)", duration, seed, seed);
        try (TestBroker broker = TestBroker.start(dir, b -> b.autoCreateTopics(false), c -> c.withMaxRequestBytes(1 << 20))) {
            broker.bus().admin().createTopic("steady", 1, java.util.Map.of());
            broker.bus().admin().createTopic("fuzz", 2, java.util.Map.of());
            List<byte[]> corpus = corpus();
            InetSocketAddress address = broker.listener().address();
            try (RawKafkaClient oldConnection = new RawKafkaClient(address);
                 KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
                ExecutorService pool = Executors.newFixedThreadPool(3);
                long deadline = System.nanoTime() + duration.toNanos();
                AtomicLong frames = new AtomicLong();
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    Random random = new Random(seed + w);
                    workers.add(pool.submit(() -> {
                        while (System.nanoTime() < deadline) {
                            sendOneConnection(address, random, corpus, frames);
                        }
                        return null;
                    }));
                }
                int steady = 0;
                while (System.nanoTime() < deadline) {
                    producer.send(new ProducerRecord<>("steady", "k", "steady-" + steady)).get(30, TimeUnit.SECONDS);
                    steady++;
                }
                for (Future<?> f : workers) {
                    f.get(60, TimeUnit.SECONDS); // a hang in the broker would show here as a timeout
                }
                pool.shutdown();
                LOG.info("Fuzz sent {} frames on {} connections; producer wrote {} records alongside", frames.get(), "many", steady);

                ApiVersionsResponse alive = oldConnection.send(new ApiVersionsRequest.Builder(), (short) 3);
                assertThat(alive.data().errorCode()).isZero();

                PartitionLog steadyLog = broker.bus().partitionLog(new TopicPartition("steady", 0));
                List<String> values = new ArrayList<>();
                for (RecordBatch batch : readAll(steadyLog)) {
                    for (Record r : batch) {
                        values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
                    }
                }
                assertThat(values).hasSize(steady);
                for (int i = 0; i < steady; i++) {
                    assertThat(values.get(i)).isEqualTo("steady-" + i);
                }
                for (int p = 0; p < 2; p++) {
                    PartitionLog log = broker.bus().partitionLog(new TopicPartition("fuzz", p));
                    long expectedNext = log.logStartOffset();
                    for (RecordBatch batch : readAll(log)) {
                        assertThat(batch.isValid()).isTrue();
                        assertThat(batch.baseOffset()).isEqualTo(expectedNext);
                        expectedNext = batch.lastOffset() + 1;
                    }
                    assertThat(expectedNext).isEqualTo(log.highWatermark());
                }
            }
        }
    }

    private static List<RecordBatch> readAll(PartitionLog log) {
        List<RecordBatch> batches = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.highWatermark()) {
            LogReadResult r = log.read(offset, 1 << 20, true);
            for (RecordBatch b : r.records().batches()) {
                if (b.lastOffset() >= offset) {
                    batches.add(b);
                    offset = b.lastOffset() + 1;
                }
            }
        }
        return batches;
    }

    private static void sendOneConnection(InetSocketAddress address, Random random, List<byte[]> corpus, AtomicLong frames) {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int n = 1 + random.nextInt(5);
            for (int i = 0; i < n; i++) {
                out.write(nextInput(random, corpus));
                frames.incrementAndGet();
            }
            out.flush();
            byte[] sink = new byte[4096];
            try {
                while (in.read(sink) >= 0) {
                    // drain whatever comes back until the server closes or goes quiet
                }
            } catch (IOException quiet) {
                // timeout or reset: both fine, the point is that the broker keeps going
            }
        } catch (IOException e) {
            // connection refused or reset mid-write: also a legitimate reaction to garbage
        }
    }

    private static byte[] nextInput(Random random, List<byte[]> corpus) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            return junk; // raw garbage, size prefix included
        }
        byte[] valid = corpus.get(random.nextInt(corpus.size()));
        byte[] m = valid.clone();
        switch (kind) {
            case 1 -> { // lie about the size
                ByteBuffer.wrap(m).putInt(random.nextInt());
                return m;
            }
            case 2 -> { // truncate
                byte[] t = new byte[random.nextInt(m.length)];
                System.arraycopy(m, 0, t, 0, t.length);
                return t;
            }
            case 3 -> { // valid, unchanged: the broker must still answer it
                return m;
            }
            default -> { // flip a few bytes after the size prefix
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = 4 + random.nextInt(m.length - 4);
                    m[at] = (byte) random.nextInt(256);
                }
                return m;
            }
        }
    }

    /** Valid frames (size prefix included) of the APIs a client uses, written by kafka-clients' serializers. */
    private static List<byte[]> corpus() {
        List<byte[]> c = new ArrayList<>();
        c.add(frame(ApiKeys.API_VERSIONS, 3, new org.apache.kafka.common.message.ApiVersionsRequestData()
                .setClientSoftwareName("fuzz").setClientSoftwareVersion("1")));
        c.add(frame(ApiKeys.METADATA, 12, new MetadataRequestData().setTopics(List.of(
                new MetadataRequestData.MetadataRequestTopic().setName("fuzz")))));
        c.add(frame(ApiKeys.METADATA, 4, new MetadataRequestData().setTopics(null)));
        for (short version : new short[] {3, 9}) {
            MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "fuzz-value".getBytes(StandardCharsets.UTF_8)));
            ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
            produce.topicData().add(new ProduceRequestData.TopicProduceData().setName("fuzz").setPartitionData(List.of(
                    new ProduceRequestData.PartitionProduceData().setIndex(version == 3 ? 0 : 1).setRecords(records))));
            c.add(frame(ApiKeys.PRODUCE, version, produce));
        }
        FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(100).setMinBytes(1).setMaxBytes(1 << 20)
                .setReplicaId(-1).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic("fuzz").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));
        c.add(frame(ApiKeys.FETCH, 11, fetch));
        ListOffsetsRequestData list = new ListOffsetsRequestData().setReplicaId(-1);
        list.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName("fuzz").setPartitions(List.of(
                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1))));
        c.add(frame(ApiKeys.LIST_OFFSETS, 7, list));
        c.add(frame(ApiKeys.FIND_COORDINATOR, 4, new FindCoordinatorRequestData().setKeyType((byte) 0)
                .setCoordinatorKeys(List.of("fuzz-group"))));
        JoinGroupRequestData join = new JoinGroupRequestData().setGroupId("fuzz-group").setSessionTimeoutMs(6000)
                .setRebalanceTimeoutMs(1000).setMemberId("").setProtocolType("consumer");
        join.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {0, 1}));
        c.add(frame(ApiKeys.JOIN_GROUP, 5, join));
        c.add(frame(ApiKeys.HEARTBEAT, 3, new HeartbeatRequestData().setGroupId("fuzz-group").setGenerationId(1).setMemberId("m")));
        OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("fuzz-group").setGenerationIdOrMemberEpoch(-1)
                .setMemberId("");
        commit.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("fuzz").setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1))));
        c.add(frame(ApiKeys.OFFSET_COMMIT, 8, commit));
        c.add(frame(ApiKeys.OFFSET_FETCH, 7, new OffsetFetchRequestData().setGroupId("fuzz-group").setTopics(null)));
        return c;
    }

    private static byte[] frame(ApiKeys key, int version, ApiMessage body) {
        RequestHeader header = new RequestHeader(key, (short) version, "fuzz", 1);
        ByteBuffer payload = RequestUtils.serialize(header.data(), header.headerVersion(), body, (short) version);
        ByteBuffer framed = ByteBuffer.allocate(4 + payload.remaining()).putInt(payload.remaining()).put(payload);
        return framed.array();
    }
}
