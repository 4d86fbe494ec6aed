package io.busbar.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener on each socket transport (busbar.kafka.transport): fetches of segment slices that span several
 * segments and exceed the socket buffers, so sendfile writes partially, with zero-copy on and off, come back byte for
 * byte.
 */
class ListenerTransportTest {

    private static final int RECORDS = 3000;
    private static final int VALUE_BYTES = 1024;

    @TempDir
    Path dir;

    @Test
    void autoTakesNativeEpollOnLinuxX86_64() {
        assumeThat(System.getProperty("os.name")).startsWithIgnoringCase("linux");
        assumeThat(System.getProperty("os.arch")).isIn("amd64", "x86_64");
        try (TestBroker broker = TestBroker.start(dir)) {
            assertThat(broker.listener().transport()).isEqualTo("epoll");
        }
    }

    @Test
    void nioCanBeForced() {
        try (TestBroker broker = TestBroker.start(dir, b -> b,
                c -> c.withTransport(KafkaListenerConfig.Transport.NIO))) {
            assertThat(broker.listener().transport()).isEqualTo("nio");
        }
    }

    @ParameterizedTest(name = "{0}, zero copy {1}")
    @CsvSource({"EPOLL, true", "EPOLL, false", "NIO, true", "NIO, false"})
    void fetchesReturnEveryByteProduced(KafkaListenerConfig.Transport transport, boolean zeroCopy) throws Exception {
        if (transport == KafkaListenerConfig.Transport.EPOLL) {
            assumeThat(io.netty.channel.epoll.Epoll.isAvailable()).as("native epoll loads here").isTrue();
        }
        try (TestBroker broker = TestBroker.start(dir, b -> b, c -> c.withTransport(transport).withZeroCopy(zeroCopy))) {
            assertThat(broker.listener().transport()).isEqualTo(transport.name().toLowerCase(java.util.Locale.ROOT));
            try (Admin admin = Admin.create(broker.adminProps())) {
                // 1 MiB segments: the 3 MiB written span four of them
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1)
                        .configs(Map.of("segment.bytes", "1048576")))).all().get(30, TimeUnit.SECONDS);
            }
            List<byte[]> sent = produce(broker);
            List<byte[]> got = consume(broker);
            assertThat(got).hasSize(RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                assertThat(got.get(i)).as("record %d", i).isEqualTo(sent.get(i));
            }
        }
    }

    private static List<byte[]> produce(TestBroker broker) throws Exception {
        Properties p = broker.producerProps();
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("key.serializer", StringSerializer.class.getName());
        List<byte[]> sent = new ArrayList<>();
        Random random = new Random(42);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] value = new byte[VALUE_BYTES];
                random.nextBytes(value);
                ByteBuffer.wrap(value).putInt(i);
                sent.add(value);
                producer.send(new ProducerRecord<>("t", value));
            }
            producer.flush();
        }
        return sent;
    }

    private static List<byte[]> consume(TestBroker broker) {
        Properties p = broker.consumerProps(null);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // large fetches: one response carries several MiB, more than a socket send buffer takes at once
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        List<byte[]> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition("t", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    got.add(r.value());
                }
                return got.size() >= RECORDS;
            });
        }
        return got;
    }
}
