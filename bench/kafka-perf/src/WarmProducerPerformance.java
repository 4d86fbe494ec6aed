import org.apache.kafka.tools.ProducerPerformance;

/**
 * Kafka's ProducerPerformance run twice in one JVM: first on TOPIC-warm with the same arguments (not reported as the
 * result), then on TOPIC. The second run's producer starts in a JVM whose JIT has compiled the client, so its
 * percentiles describe the broker under a steady rate rather than the client's first second (ProducerPerformance
 * 4.1.2 has no --warmup-records). Both topics must exist. Compile and run against kafka-tools 4.1.2:
 *
 * <pre>javac -d /tmp/warm -cp "$TOOLS_CP" bench/kafka-perf/src/WarmProducerPerformance.java
 * java -cp "/tmp/warm:$TOOLS_CP" WarmProducerPerformance --topic p99 --num-records 500000 --record-size 100 \
 *   --throughput 50000 --producer-props bootstrap.servers=127.0.0.1:9092 acks=all</pre>
 */
public class WarmProducerPerformance {
    public static void main(String[] args) throws Exception {
        String[] warmUp = args.clone();
        for (int i = 0; i < warmUp.length - 1; i++) {
            if (warmUp[i].equals("--topic")) {
                warmUp[i + 1] = warmUp[i + 1] + "-warm";
            }
        }
        System.out.println("# warm-up");
        ProducerPerformance.main(warmUp);
        System.out.println("# measured");
        ProducerPerformance.main(args);
    }
}
