import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.tools.ConsumerPerformance;

/**
 * Kafka's ConsumerPerformance run several times in one JVM, as {@link WarmProducerPerformance} does for the producer:
 * {@code -Dwarm.runs} times (4) on TOPIC-warm, each in a group of its own (not reported as the result), then once on
 * TOPIC with the arguments as given. A cold ConsumerPerformance JVM reads a 1,000,000-record topic in one or two
 * seconds, most of it before its JIT has compiled the fetch path, so the consumer rows measured the client's compiler
 * as much as the broker. TOPIC-warm is the topic the warm producer wrote its uncounted runs to (same partitions, same
 * record size, four times the records), so the counted run is still the first to read TOPIC.
 *
 * <p>Compiled together with {@code WarmProducerPerformance.java}, whose gates it uses (lib.sh {@code kp_warm_client}).
 * {@code -Dwarm.gate=true}: prints {@code # measured} and waits for a line on standard input before the counted run,
 * and {@code # done} and waits for another after it (compare.sh's and ab.sh's gates, lib.sh {@code kp_gated_run}).
 */
public class WarmConsumerPerformance {
    public static void main(String[] args) throws Exception {
        boolean gated = Boolean.getBoolean("warm.gate");
        BufferedReader gate = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int warmUpRuns = Integer.getInteger("warm.runs", 4);
        for (int run = 0; run < warmUpRuns; run++) {
            System.out.println("# warm-up");
            ConsumerPerformance.main(warmUpArguments(args, run));
        }
        WarmProducerPerformance.runCounted(gated, gate, () -> ConsumerPerformance.main(args));
    }

    /** The arguments with the topic's name + "-warm" and a group of this run's own (each reads from the earliest). */
    private static String[] warmUpArguments(String[] args, int run) {
        List<String> warmUp = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--group") && i + 1 < args.length) {
                i++; // replaced below
            } else if (args[i].equals("--topic") && i + 1 < args.length) {
                warmUp.add(args[i]);
                warmUp.add(args[++i] + "-warm");
            } else {
                warmUp.add(args[i]);
            }
        }
        warmUp.add("--group");
        warmUp.add("warm-consumer-" + ProcessHandle.current().pid() + "-" + run);
        return warmUp.toArray(String[]::new);
    }
}
