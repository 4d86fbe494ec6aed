import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.tools.ProducerPerformance;

/**
 * Kafka's ProducerPerformance run several times in one JVM: {@code -Dwarm.runs} times (4) on TOPIC-warm with the same
 * arguments (not reported as the result), then once on TOPIC. The last run's producer starts in a JVM whose JIT has
 * compiled the client, so its rate, percentiles and CPU describe the broker rather than the client's compiler: a cold
 * ProducerPerformance JVM on this 2-core machine spent 4-5 CPU seconds of a 7-9 second 1 KiB run in its C1 and C2
 * compiler threads, CPU the broker under test then lacks (bench/kafka-perf/client-threads.sh). One warm-up run is not
 * enough: each run builds a new KafkaProducer, whose first batches deoptimize code compiled in the run before
 * ("made not entrant": doSend, RecordAccumulator.tryAppend, the selector loop), and C2 still took 3.3-3.5 CPU seconds
 * of a 5.5 second counted run at 1 partition x 100 B; after 4 warm-up runs it took 0.1-0.8 s.
 * ProducerPerformance 4.1.2 has no --warmup-records. Both topics must exist.
 *
 * <p>With {@code -Dwarm.gate=true} it prints {@code # measured} and waits for a line on standard input before the
 * measured run, and prints {@code # done} and waits for another after it, so that compare.sh reads the broker's, the
 * machine's and this JVM's CPU around the measured run only. Compile and run against kafka-tools 4.1.2:
 *
 * <pre>javac -d /tmp/warm -cp "$TOOLS_CP" bench/kafka-perf/src/WarmProducerPerformance.java
 * java -cp "/tmp/warm:$TOOLS_CP" WarmProducerPerformance --topic p99 --num-records 500000 --record-size 100 \
 *   --throughput 50000 --producer-props bootstrap.servers=127.0.0.1:9092 acks=all</pre>
 */
public class WarmProducerPerformance {
    public static void main(String[] args) throws Exception {
        boolean gated = Boolean.getBoolean("warm.gate");
        BufferedReader gate = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String[] warmUp = args.clone();
        for (int i = 0; i < warmUp.length - 1; i++) {
            if (warmUp[i].equals("--topic")) {
                warmUp[i + 1] = warmUp[i + 1] + "-warm";
            }
        }
        int warmUpRuns = Integer.getInteger("warm.runs", 4);
        for (int run = 0; run < warmUpRuns; run++) {
            System.out.println("# warm-up");
            ProducerPerformance.main(warmUp);
        }
        runCounted(gated, gate, () -> ProducerPerformance.main(args));
    }

    /** One run of a perf tool's main. */
    interface Run {
        void run() throws Exception;
    }

    /**
     * The counted run between the gates: prints {@code # measured}, waits for a line (when gated), runs, prints
     * {@code # done} and waits for another. Shared with {@code WarmConsumerPerformance}, compiled beside this file.
     */
    static void runCounted(boolean gated, BufferedReader gate, Run counted) throws Exception {
        System.out.println("# measured");
        System.out.flush();
        if (gated) {
            await(gate);
        }
        counted.run();
        System.out.println("# done");
        System.out.flush();
        if (gated) {
            await(gate);
        }
    }

    private static void await(BufferedReader gate) throws IOException {
        if (gate.readLine() == null) {
            throw new IOException("standard input closed before the gate opened (-Dwarm.gate=true)");
        }
    }
}
