package io.busbar.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How much one Fetch carries for a partition: the byte slice up to {@code partition_max_bytes}, as Kafka sends it, so
 * the last batch may be partial (the client drops it and fetches it again); never past the high watermark; at least
 * the first batch whole (KIP-74); whole batches only under read_committed. Responses the size of Kafka's matter to
 * the client: with the consumer's default 1 MiB, a response a few KiB under 1 MiB instead of just over it changed how
 * the client JVM's G1 took the receive buffer (docs/performance.md, "The 1 KiB consumer gap").
 */
class FetchSizeTest {

    private static final short VERSION = 12; // topics by name
    private static final int LIMIT = 1 << 20; // max.partition.fetch.bytes default
    private static final int RECORDS = 2_000;

    @TempDir
    Path dir;
    private TestBroker broker;
    private RawKafkaClient client;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir);
        broker.bus().admin().createTopic("t", 1, Map.of());
        client = new RawKafkaClient(broker.listener().address());
        // what ProducerPerformance writes: 1 KiB values in 16 KiB batches (15 records a batch), 2 MB in all
        Properties props = broker.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "100");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] value = new byte[1024];
                Arrays.fill(value, (byte) i);
                producer.send(new ProducerRecord<>("t", 0, null, value));
            }
            producer.flush();
        }
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        broker.close();
    }

    private MemoryRecords fetch(long offset, int partitionMaxBytes, IsolationLevel isolation) throws Exception {
        FetchRequestData data = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(50 << 20)
                .setIsolationLevel(isolation.id());
        data.topics().add(new FetchRequestData.FetchTopic().setTopic("t").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset)
                        .setPartitionMaxBytes(partitionMaxBytes))));
        FetchResponse response = client.send(new FetchRequest.SimpleBuilder(data), VERSION);
        FetchResponseData.PartitionData partition = response.data().responses().get(0).partitions().get(0);
        assertThat(partition.errorCode()).isEqualTo(Errors.NONE.code());
        return (MemoryRecords) partition.records();
    }

    private MemoryRecords fetch(long offset, int partitionMaxBytes) throws Exception {
        return fetch(offset, partitionMaxBytes, IsolationLevel.READ_UNCOMMITTED);
    }

    private static List<MutableRecordBatch> batchesOf(MemoryRecords records) {
        List<MutableRecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        return batches;
    }

    @Test
    void fetchCarriesTheByteSliceUpToThePartitionLimitAsKafkaDoes() throws Exception {
        MemoryRecords records = fetch(0, LIMIT);
        List<MutableRecordBatch> batches = batchesOf(records);
        int whole = batches.stream().mapToInt(MutableRecordBatch::sizeInBytes).sum();
        assertThat(batches).hasSizeGreaterThan(1);
        assertThat(records.sizeInBytes()).as("the slice is the limit exactly").isEqualTo(LIMIT);
        assertThat(whole).as("ending in a partial batch").isLessThan(LIMIT);

        // the partial tail is the start of the batch the next fetch begins with, byte for byte
        long next = batches.get(batches.size() - 1).nextOffset();
        MemoryRecords following = fetch(next, LIMIT);
        MutableRecordBatch nextBatch = following.batches().iterator().next();
        assertThat(nextBatch.baseOffset()).isEqualTo(next);
        ByteBuffer slice = records.buffer();
        ByteBuffer tail = slice.duplicate().position(slice.position() + whole);
        ByteBuffer start = following.buffer();
        ByteBuffer head = start.duplicate().limit(start.position() + LIMIT - whole);
        assertThat(tail).isEqualTo(head);
    }

    @Test
    void aKafkaConsumerReadsEveryRecordOnceThroughCutBatches() {
        Properties props = broker.consumerProps(null);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // 2.5 batches a fetch: every answer ends in a cut batch, which the client drops and fetches again
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "40000");
        List<Long> offsets = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition("t", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (offsets.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(r.value()).hasSize(1024);
                    assertThat(r.value()[1023]).as("value of offset " + r.offset()).isEqualTo((byte) r.offset());
                    offsets.add(r.offset());
                }
            }
        }
        assertThat(offsets).hasSize(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            assertThat(offsets.get(i)).isEqualTo(i);
        }
    }

    @Test
    void fetchNeverPassesTheHighWatermark() throws Exception {
        MemoryRecords records = fetch(0, 10 * LIMIT);
        List<MutableRecordBatch> batches = batchesOf(records);
        assertThat(records.sizeInBytes()).isEqualTo(batches.stream().mapToInt(MutableRecordBatch::sizeInBytes).sum());
        assertThat(batches.get(batches.size() - 1).nextOffset()).isEqualTo(RECORDS);
    }

    @Test
    void theFirstBatchComesWholeEvenOverTheLimit() throws Exception {
        MemoryRecords records = fetch(0, 100);
        List<MutableRecordBatch> batches = batchesOf(records);
        assertThat(batches).hasSize(1);
        assertThat(records.sizeInBytes()).isEqualTo(batches.get(0).sizeInBytes()).isGreaterThan(100);
    }

    @Test
    void readCommittedCarriesWholeBatchesOnly() throws Exception {
        MemoryRecords records = fetch(0, LIMIT, IsolationLevel.READ_COMMITTED);
        List<MutableRecordBatch> batches = batchesOf(records);
        int whole = batches.stream().mapToInt(MutableRecordBatch::sizeInBytes).sum();
        assertThat(records.sizeInBytes()).isEqualTo(whole).isLessThanOrEqualTo(LIMIT);
        long next = batches.get(batches.size() - 1).nextOffset();
        MutableRecordBatch following = fetch(next, LIMIT).batches().iterator().next();
        assertThat(whole + following.sizeInBytes()).as("the next batch would not have fit").isGreaterThan(LIMIT);
    }
}
