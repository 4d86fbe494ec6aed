import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * End-to-end latency with one record in flight, in microseconds: what Kafka's EndToEndLatency measures (send with
 * acks=all, wait for the acknowledgement, poll until the consumer has the record), but with nanosecond clocks and
 * percentiles to the microsecond instead of whole milliseconds. The consumer is assigned the partition (no group)
 * and long-polls with fetch.min.bytes=1, as a latency-sensitive consumer would. The first 10% of the round trips
 * warm up and are not counted.
 *
 * Usage (java's source launcher, kafka-clients on the class path):
 *   java -cp $TOOLS_CP bench/kafka-perf/src/EndToEndMicros.java BOOTSTRAP TOPIC ROUND_TRIPS RECORD_BYTES [TRIPS_FILE]
 * With TRIPS_FILE, every counted round trip is also written there, one line each: the nanoseconds until the
 * acknowledgement and until the consumer had the record (to tell the produce path's share of a slow round trip from
 * the fetch path's), and the wall-clock time it started (epoch microseconds, to line it up with broker-side traces).
 * Prints "Avg latency: X ms" and "Percentiles: 50th = a, 99th = b, 99.9th = c" in milliseconds with three decimals
 * (the format compare-table.py reads for EndToEndLatency).
 */
public class EndToEndMicros {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int n = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        int warm = n / 10;
        Map<String, Object> p = Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 0,
                "key.serializer", ByteArraySerializer.class, "value.serializer", ByteArraySerializer.class);
        Map<String, Object> c = Map.of("bootstrap.servers", bootstrap, "fetch.min.bytes", 1, "fetch.max.wait.ms", 500,
                "enable.auto.commit", false, "auto.offset.reset", "latest",
                "key.deserializer", ByteArrayDeserializer.class, "value.deserializer", ByteArrayDeserializer.class);
        long[] nanos = new long[n - warm];
        long[] ackNanos = new long[n - warm];
        long[] startMicros = new long[n - warm];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            byte[] value = new byte[size];
            for (int i = 0; i < n; i++) {
                ThreadLocalRandom.current().nextBytes(value);
                long start = System.nanoTime();
                long wallStart = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now());
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
                long acked = System.nanoTime() - start;
                int got = 0;
                while (got == 0) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(10));
                    got = records.count();
                    if (got == 0) {
                        throw new IllegalStateException("round trip " + i + ": no record within 10 s");
                    }
                    if (got != 1 || !Arrays.equals(records.iterator().next().value(), value)) {
                        throw new IllegalStateException("round trip " + i + ": expected the record just sent, got " + got);
                    }
                }
                long took = System.nanoTime() - start;
                if (i >= warm) {
                    nanos[i - warm] = took;
                    ackNanos[i - warm] = acked;
                    startMicros[i - warm] = wallStart;
                }
            }
        }
        if (args.length > 4) {
            try (java.io.PrintWriter out = new java.io.PrintWriter(args[4])) {
                out.println("ack_ns\ttotal_ns\tstart_epoch_us");
                for (int i = 0; i < nanos.length; i++) {
                    out.println(ackNanos[i] + "\t" + nanos[i] + "\t" + startMicros[i]);
                }
            }
            long[] acks = ackNanos.clone();
            Arrays.sort(acks);
            System.out.printf("Ack percentiles: 50th = %.3f, 99th = %.3f, 99.9th = %.3f%n", pct(acks, 0.50),
                    pct(acks, 0.99), pct(acks, 0.999));
        }
        Arrays.sort(nanos);
        double avg = Arrays.stream(nanos).average().orElse(0) / 1e6;
        System.out.printf("Avg latency: %.4f ms%n", avg);
        System.out.printf("Percentiles: 50th = %.3f, 99th = %.3f, 99.9th = %.3f%n", pct(nanos, 0.50), pct(nanos, 0.99),
                pct(nanos, 0.999));
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
