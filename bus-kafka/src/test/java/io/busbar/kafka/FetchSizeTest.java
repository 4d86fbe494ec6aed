package io.busbar.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How much one Fetch carries for a partition: whole batches only, as many as fit in {@code partition_max_bytes}.
 * Kafka sends a byte slice of exactly the limit instead, whose partial last batch the client drops; so with the
 * consumer's default 1 MiB a Kafka response is just over 1 MiB and Busbar's a few KiB under it, which changes how
 * the client JVM's G1 allocates the receive buffer (docs/performance.md, "The 1 KiB consumer gap").
 */
class FetchSizeTest {

    private static final short VERSION = 12; // topics by name
    private static final int LIMIT = 1 << 20; // max.partition.fetch.bytes default

    @TempDir
    Path dir;
    private TestBroker broker;
    private RawKafkaClient client;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir);
        broker.bus().admin().createTopic("t", 1, Map.of());
        client = new RawKafkaClient(broker.listener().address());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        broker.close();
    }

    private MemoryRecords fetch(long offset, int partitionMaxBytes) throws Exception {
        FetchRequestData data = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(50 << 20);
        data.topics().add(new FetchRequestData.FetchTopic().setTopic("t").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset)
                        .setPartitionMaxBytes(partitionMaxBytes))));
        FetchResponse response = client.send(new FetchRequest.SimpleBuilder(data), VERSION);
        FetchResponseData.PartitionData partition = response.data().responses().get(0).partitions().get(0);
        assertThat(partition.errorCode()).isEqualTo(Errors.NONE.code());
        return (MemoryRecords) partition.records();
    }

    @Test
    void fetchCarriesWholeBatchesUpToThePartitionLimit() throws Exception {
        // what ProducerPerformance writes: 1 KiB values in 16 KiB batches (15 records a batch)
        Properties props = broker.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "100");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < 2_000; i++) {
                producer.send(new ProducerRecord<>("t", 0, null, new byte[1024]));
            }
            producer.flush();
        }

        MemoryRecords records = fetch(0, LIMIT);
        List<MutableRecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        int whole = batches.stream().mapToInt(MutableRecordBatch::sizeInBytes).sum();
        assertThat(batches).hasSizeGreaterThan(1);
        assertThat(records.sizeInBytes()).as("no partial batch after the last whole one").isEqualTo(whole);
        assertThat(whole).isLessThanOrEqualTo(LIMIT);

        long next = batches.get(batches.size() - 1).nextOffset();
        MutableRecordBatch following = fetch(next, LIMIT).batches().iterator().next();
        assertThat(whole + following.sizeInBytes()).as("the next batch would not have fit").isGreaterThan(LIMIT);
    }
}
