package io.busbar.kafka;

import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.PartitionLog;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Idempotence, CRC and malformed-frame handling over a raw connection, and listener start-up errors. */
class ProtocolEdgeCasesTest {

    private static final short PRODUCE_V = 9;

    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(dir, b -> b, c -> c.withMaxRequestBytes(64 * 1024));
        broker.bus().admin().createTopic("t", 1, java.util.Map.of());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private RawKafkaClient connect() throws Exception {
        return new RawKafkaClient(broker.listener().address());
    }

    private static ProduceRequest.Builder produce(MemoryRecords records, short acks) {
        return produce("t", records, acks);
    }

    private static ProduceRequest.Builder produce(String topic, MemoryRecords records, short acks) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(topic)
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        return ProduceRequest.forCurrentMagic(data);
    }

    private static ProduceResponseData.PartitionProduceResponse only(ProduceResponse r) {
        return r.data().responses().iterator().next().partitionResponses().get(0);
    }

    private static MemoryRecords idempotent(long pid, short epoch, int seq, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, seq, records);
    }

    private PartitionLog log() {
        return broker.bus().partitionLog(new TopicPartition("t", 0));
    }

    @Test
    void aRetriedIdempotentBatchIsNotAppendedTwiceAndGetsItsOriginalOffset() throws Exception {
        try (RawKafkaClient client = connect()) {
            InitProducerIdResponse init = client.send(new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)), (short) 4);
            assertThat(init.error()).isEqualTo(Errors.NONE);
            long pid = init.data().producerId();
            short epoch = init.data().producerEpoch();

            ProduceResponse first = client.send(produce(idempotent(pid, epoch, 0, "a", "b"), (short) -1), PRODUCE_V);
            ProduceResponse second = client.send(produce(idempotent(pid, epoch, 2, "c"), (short) -1), PRODUCE_V);
            ProduceResponse retry = client.send(produce(idempotent(pid, epoch, 0, "a", "b"), (short) -1), PRODUCE_V);

            assertThat(only(first).baseOffset()).isZero();
            assertThat(only(second).baseOffset()).isEqualTo(2);
            assertThat(Errors.forCode(only(retry).errorCode())).isEqualTo(Errors.NONE);
            assertThat(only(retry).baseOffset()).isZero();
            assertThat(log().highWatermark()).isEqualTo(3);

            ProduceResponse gap = client.send(produce(idempotent(pid, epoch, 7, "x"), (short) -1), PRODUCE_V);
            assertThat(Errors.forCode(only(gap).errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            assertThat(log().logEndOffset()).isEqualTo(3);

            InitProducerIdResponse bumped = client.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(60_000).setProducerId(pid).setProducerEpoch(epoch)), (short) 4);
            assertThat(bumped.data().producerId()).isEqualTo(pid);
            short newEpoch = bumped.data().producerEpoch();
            assertThat(newEpoch).isEqualTo((short) (epoch + 1));
            ProduceResponse notFromZero = client.send(produce(idempotent(pid, newEpoch, 3, "x"), (short) -1), PRODUCE_V);
            assertThat(Errors.forCode(only(notFromZero).errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            ProduceResponse newEpochStart = client.send(produce(idempotent(pid, newEpoch, 0, "d"), (short) -1), PRODUCE_V);
            assertThat(only(newEpochStart).baseOffset()).isEqualTo(3);
            ProduceResponse fenced = client.send(produce(idempotent(pid, epoch, 3, "x"), (short) -1), PRODUCE_V);
            assertThat(Errors.forCode(only(fenced).errorCode())).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
            assertThat(log().highWatermark()).isEqualTo(4);
        }
    }

    @Test
    void aRetryAcrossABrokerRestartIsStillRecognisedFromTheLog() throws Exception {
        long pid;
        try (RawKafkaClient client = connect()) {
            InitProducerIdResponse init = client.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(60_000)), (short) 4);
            pid = init.data().producerId();
            client.send(produce(idempotent(pid, (short) 0, 0, "a", "b"), (short) -1), PRODUCE_V);
            ProduceResponse second = client.send(produce(idempotent(pid, (short) 0, 2, "c"), (short) -1), PRODUCE_V);
            assertThat(only(second).baseOffset()).isEqualTo(2);
        }
        broker.close();
        broker = TestBroker.start(dir, b -> b, c -> c);
        try (RawKafkaClient client = connect()) {
            // the producer did not get the answer for sequence 2 and retries it after the restart
            ProduceResponse retry = client.send(produce(idempotent(pid, (short) 0, 2, "c"), (short) -1), PRODUCE_V);
            assertThat(Errors.forCode(only(retry).errorCode())).isEqualTo(Errors.NONE);
            assertThat(only(retry).baseOffset()).isEqualTo(2);
            assertThat(log().logEndOffset()).isEqualTo(3);
            ProduceResponse gap = client.send(produce(idempotent(pid, (short) 0, 9, "x"), (short) -1), PRODUCE_V);
            assertThat(Errors.forCode(only(gap).errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            ProduceResponse next = client.send(produce(idempotent(pid, (short) 0, 3, "d"), (short) -1), PRODUCE_V);
            assertThat(only(next).baseOffset()).isEqualTo(3);
            InitProducerIdResponse another = client.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(60_000)), (short) 4);
            assertThat(another.data().producerId()).isNotEqualTo(pid); // ids stay unique across restarts
        }
    }

    @Test
    void pipelinedAndLoneProducesAreAcknowledgedInOrderOnlyOnceDurable() throws Exception {
        // produces are fsynced when the connection's read completes (on the I/O thread when the commit would start at
        // once): pipelined ones share that commit, and no answer may come before the high watermark covers it
        try (RawKafkaClient client = connect()) {
            int[] ids = new int[5];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = client.sendOnly(produce(MemoryRecords.withRecords(Compression.NONE,
                        new SimpleRecord(("piped" + i).getBytes(StandardCharsets.UTF_8))), (short) -1), PRODUCE_V);
            }
            for (int i = 0; i < ids.length; i++) {
                ProduceResponse r = (ProduceResponse) client.receive(ApiKeys.PRODUCE, PRODUCE_V, ids[i]);
                assertThat(Errors.forCode(only(r).errorCode())).isEqualTo(Errors.NONE);
                assertThat(only(r).baseOffset()).isEqualTo(i);
                assertThat(log().highWatermark()).isGreaterThan(i); // durable before it was answered
            }
            for (int i = 0; i < 20; i++) { // one at a time: each round covers one append
                ProduceResponse r = client.send(produce(MemoryRecords.withRecords(Compression.NONE,
                        new SimpleRecord(("lone" + i).getBytes(StandardCharsets.UTF_8))), (short) -1), PRODUCE_V);
                assertThat(only(r).baseOffset()).isEqualTo(5 + i);
                assertThat(log().highWatermark()).isGreaterThan(5 + i);
            }
        }
        assertThat(log().highWatermark()).isEqualTo(25);
    }

    /** The batch with its last byte (inside the part its CRC covers) flipped. */
    private static MemoryRecords corrupted(MemoryRecords records) {
        ByteBuffer corrupted = records.buffer().duplicate();
        int last = corrupted.limit() - 1;
        corrupted.put(last, (byte) (corrupted.get(last) ^ 0x5a));
        return MemoryRecords.readableRecords(corrupted);
    }

    @Test
    void aBatchWithABadCrcIsRefusedAndTheLogIsUntouched() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("payload".getBytes(StandardCharsets.UTF_8)));
        try (RawKafkaClient client = connect()) {
            ProduceResponse r = client.send(produce(corrupted(records), (short) 1), PRODUCE_V);
            assertThat(Errors.forCode(only(r).errorCode())).isEqualTo(Errors.CORRUPT_MESSAGE);
            assertThat(only(r).errorMessage()).contains("t-0").contains("CRC");
            ProduceResponse ok = client.send(produce(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("fine".getBytes(StandardCharsets.UTF_8))), (short) 1), PRODUCE_V);
            assertThat(only(ok).baseOffset()).isZero();
        }
        assertThat(log().logEndOffset()).isEqualTo(1);
    }

    @Test
    void anIdempotentBatchWithABadCrcLeavesTheProducersSequenceWhereItWas() throws Exception {
        try (RawKafkaClient client = connect()) {
            ProduceResponse bad = client.send(produce(corrupted(idempotent(7L, (short) 0, 0, "a", "b")), (short) -1),
                    PRODUCE_V);
            assertThat(Errors.forCode(only(bad).errorCode())).isEqualTo(Errors.CORRUPT_MESSAGE);
            // the CRC is checked by the log's append, inside the idempotence check: sequence 0 is still expected
            ProduceResponse retry = client.send(produce(idempotent(7L, (short) 0, 0, "a", "b"), (short) -1), PRODUCE_V);
            assertThat(Errors.forCode(only(retry).errorCode())).isEqualTo(Errors.NONE);
            assertThat(only(retry).baseOffset()).isZero();
            // a corrupted copy of a batch already appended is not acknowledged as its duplicate
            ProduceResponse badDuplicate = client.send(produce(corrupted(idempotent(7L, (short) 0, 0, "a", "b")),
                    (short) -1), PRODUCE_V);
            assertThat(Errors.forCode(only(badDuplicate).errorCode())).isEqualTo(Errors.CORRUPT_MESSAGE);
        }
        assertThat(log().highWatermark()).isEqualTo(2);
    }

    @Test
    void aBatchWithABadCrcIsRefusedOnALogAppendTimeTopicBeforeItsCrcIsRewritten() throws Exception {
        broker.bus().admin().createTopic("stamped", 1, java.util.Map.of("message.timestamp.type", "LogAppendTime"));
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("payload".getBytes(StandardCharsets.UTF_8)));
        try (RawKafkaClient client = connect()) {
            ProduceResponse r = client.send(produce("stamped", corrupted(records), (short) 1), PRODUCE_V);
            assertThat(Errors.forCode(only(r).errorCode())).isEqualTo(Errors.CORRUPT_MESSAGE);
        }
        assertThat(broker.bus().partitionLog(new TopicPartition("stamped", 0)).logEndOffset()).isZero();
    }

    @Test
    void acksZeroFailureClosesTheConnection() throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(30_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("missing-topic")
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0)
                        .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes(StandardCharsets.UTF_8)))))));
        try (RawKafkaClient client = connect()) {
            client.sendOnly(ProduceRequest.forCurrentMagic(data), PRODUCE_V);
            assertThat(client.closedByServerWithin(Duration.ofSeconds(20))).isTrue();
        }
    }

    @Test
    void anApiVersionsRequestNewerThanKnownGetsTheV0Fallback() throws Exception {
        try (RawKafkaClient client = connect()) {
            ByteBuffer frame = ByteBuffer.allocate(64);
            frame.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 77).putInt(5).putShort((short) -1).put((byte) 0);
            frame.flip();
            client.writeFrame(frame);
            ApiVersionsResponse r = (ApiVersionsResponse) client.receive(ApiKeys.API_VERSIONS, (short) 0, 5);
            assertThat(Errors.forCode(r.data().errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
            assertThat(r.data().apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo((short) 4);
            // the connection stays usable: the client retries at our max version
            ApiVersionsResponse ok = client.send(new ApiVersionsRequest.Builder(), (short) 3);
            assertThat(ok.data().apiKeys().find(ApiKeys.FETCH.id)).isNotNull();
        }
    }

    @Test
    void malformedOversizedAndUnknownFramesCloseOnlyTheirOwnConnection() throws Exception {
        try (RawKafkaClient healthy = connect()) {
            byte[][] bad = {
                    frame(new byte[] {0, (byte) 200, 0, 0, 0, 0, 0, 1, -1, -1}),       // unknown API key 200
                    frame(new byte[] {0, 3, 0, 12, 0, 0, 0, 1, 0}),                     // Metadata v12, header cut short
                    {0x7f, 0x00, 0x00, 0x00, 1, 2, 3},                                   // declares ~2 GiB
                    {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1},             // negative size
                    frame(new byte[] {0, 0, 0, 1, 0, 0, 0, 1, -1, -1}),                 // Produce v1 (refused version)
            };
            for (byte[] b : bad) {
                try (RawKafkaClient client = connect()) {
                    client.writeRaw(b);
                    assertThat(client.closedByServerWithin(Duration.ofSeconds(20))).as("closed after %s", b.length).isTrue();
                }
            }
            try (RawKafkaClient oversize = connect()) {
                oversize.writeFrame(ByteBuffer.allocate(128 * 1024)); // above busbar.kafka.max.request.bytes (64 KiB)
                assertThat(oversize.closedByServerWithin(Duration.ofSeconds(20))).isTrue();
            }
            ApiVersionsResponse r = healthy.send(new ApiVersionsRequest.Builder(), (short) 3);
            assertThat(r.data().errorCode()).isZero();
        }
    }

    private static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        broker.close();
        broker = TestBroker.start(dir.resolve("idle"), b -> b, c -> c.withConnectionsMaxIdleMs(300));
        try (RawKafkaClient client = connect()) {
            ApiVersionsResponse r = client.send(new ApiVersionsRequest.Builder(), (short) 3);
            assertThat(r.data().errorCode()).isZero();
            assertThat(client.closedByServerWithin(Duration.ofSeconds(20))).isTrue();
        }
    }

    @Test
    void aPortInUseFailsWithAnErrorNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> KafkaListener.start(broker.bus(),
                    KafkaListenerConfig.onAddress("127.0.0.1", taken.getLocalPort())))
                    .isInstanceOf(ListenerBindException.class)
                    .hasMessageContaining("busbar.kafka.listener")
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void theApiVersionsReplyAdvertisesTheLibrdkafkaCompatibleMinimums() throws Exception {
        try (RawKafkaClient client = connect()) {
            ApiVersionsResponse r = client.send(new ApiVersionsRequest.Builder(), (short) 3);
            assertThat(r.data().apiKeys().find(ApiKeys.PRODUCE.id).minVersion()).isZero();
            assertThat(r.data().apiKeys().find(ApiKeys.JOIN_GROUP.id).minVersion()).isZero();
            assertThat(r.data().apiKeys().find(ApiKeys.INIT_PRODUCER_ID.id)).isNotNull();
            // transactions in the producer's form: AddPartitionsToTxn v4+ is Kafka's broker-to-broker verification
            assertThat(r.data().apiKeys().find(ApiKeys.ADD_PARTITIONS_TO_TXN.id).maxVersion()).isEqualTo((short) 3);
        }
    }
}
