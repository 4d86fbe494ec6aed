package io.busbar.kafka;

import io.busbar.bus.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listener limits (issue 18): busbar.kafka.max.connections and max.connections.per.ip close connections beyond them
 * at accept; busbar.kafka.queued.max.request.bytes bounds the request bytes held by all connections together.
 */
class ListenerLimitsTest {

    @TempDir
    Path dir;

    @Test
    void aThousandIdleConnectionsAreHeldAndTheNextOneIsRefused() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, b -> b, c -> c.withLimits(1000, 1000, c.queuedMaxRequestBytes()))) {
            InetSocketAddress address = broker.listener().address();
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 1000; i++) {
                    idle.add(new Socket(address.getAddress(), address.getPort()));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> broker.listener().limitStats().openConnections() == 1000);
                try (RawKafkaClient extra = new RawKafkaClient(address)) {
                    assertThat(extra.closedByServerWithin(Duration.ofSeconds(10))).isTrue();
                }
                assertThat(broker.listener().limitStats().openConnections()).isEqualTo(1000);
                idle.remove(0).close();
                await().atMost(Duration.ofSeconds(10)).until(() -> broker.listener().limitStats().openConnections() == 999);
                try (RawKafkaClient next = new RawKafkaClient(address)) {
                    ApiVersionsResponse r = next.send(new ApiVersionsRequest.Builder(), (short) 3);
                    assertThat(r.data().errorCode()).isZero();
                }
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    @Test
    void connectionsPerIpAreCapped() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, b -> b, c -> c.withLimits(100, 3, c.queuedMaxRequestBytes()))) {
            InetSocketAddress address = broker.listener().address();
            try (Socket a = new Socket(address.getAddress(), address.getPort());
                 Socket b = new Socket(address.getAddress(), address.getPort());
                 Socket c = new Socket(address.getAddress(), address.getPort())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> broker.listener().limitStats().openConnections() == 3);
                try (RawKafkaClient fourth = new RawKafkaClient(address)) {
                    assertThat(fourth.closedByServerWithin(Duration.ofSeconds(10))).isTrue();
                }
                assertThat(List.of(a, b, c)).allMatch(s -> !s.isClosed());
            }
        }
    }

    @Test
    void aFloodOfLargeRequestsStaysWithinTheQueuedBytesBudget() throws Exception {
        int maxRequest = 1024 * 1024;
        long budget = 2L * 1024 * 1024;
        int producers = 8;
        int perProducer = 12;
        try (TestBroker broker = TestBroker.start(dir, b -> b,
                c -> c.withMaxRequestBytes(maxRequest).withLimits(100, 100, budget))) {
            ExecutorService pool = Executors.newFixedThreadPool(producers);
            try {
                List<Future<Integer>> sent = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    sent.add(pool.submit(() -> flood(broker.bootstrap(), perProducer)));
                }
                for (Future<Integer> f : sent) {
                    assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(perProducer);
                }
            } finally {
                pool.shutdownNow();
            }
            var stats = broker.listener().limitStats();
            // the budget was reached (reading paused), and never exceeded by more than what the paused connections
            // had already read: one frame being decoded plus one decoded per connection
            assertThat(stats.queuedBytesPauses()).isPositive();
            assertThat(stats.peakQueuedRequestBytes()).isLessThanOrEqualTo(budget + 2L * producers * maxRequest);
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.listener().limitStats().queuedRequestBytes() == 0);
            assertThat(broker.bus().partitionLog(new TopicPartition("flood", 0)).logEndOffset())
                    .isEqualTo((long) producers * perProducer);
        }
    }

    private static int flood(String bootstrap, int records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1024 * 1000));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1024 * 1000));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        int acked = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                futures.add(producer.send(new ProducerRecord<>("flood", 0, null, new byte[900 * 1024])));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
                acked++;
            }
        }
        return acked;
    }

}
