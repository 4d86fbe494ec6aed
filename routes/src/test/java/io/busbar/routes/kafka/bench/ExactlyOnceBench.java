package io.busbar.routes.kafka.bench;

import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.routes.BusbarRuntime;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.ServiceContext;
import io.busbar.routes.kafka.KafkaListenerService;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code bus:} component's exactly-once mode against its default (at-least-once) on the same route,
 * {@code bus:a} → {@code bus:b}, on the embedded bus with fsync and its Kafka listener (the transactions go through it).
 * Records of 100 bytes, 4 partitions, topic {@code a} preloaded; the clock runs until the group has committed every
 * offset of {@code a}. Median of 3 after a warm-up. Command (docs/performance.md, "Pipelines"):
 * {@code mvn -B -q -pl routes -am verify -Pbench-eos -DskipTests [-Dbench.records=100000]}
 */
public final class ExactlyOnceBench {

    private static final int RECORDS = Integer.getInteger("bench.records", 100_000);
    private static final int PARTITIONS = 4;

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "bus:a -> bus:b, %d records of 100 B, %d partitions, fsync, %d cores%n",
                RECORDS, PARTITIONS, Runtime.getRuntime().availableProcessors());
        run("groupId=bench", RECORDS / 4); // warm-up
        run("groupId=bench&exactlyOnce=true", RECORDS / 4);
        for (String options : List.of("groupId=bench", "groupId=bench&exactlyOnce=true")) {
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rates.add(run(options, RECORDS));
            }
            List<Double> sorted = rates.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %s |%n", options, sorted.get(1),
                    rates.stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList());
        }
    }

    private static double run(String options, int records) throws Exception {
        Path dir = Files.createTempDirectory("busbar-eos-bench");
        KafkaListenerService listener = new KafkaListenerService();
        BusbarSettings settings = BusbarSettings.resolve(BusbarRuntime.knownKeys(List.of(listener)), Map.of(), "bench",
                Map.of(), Map.of("busbar.kafka.listener", "127.0.0.1:0"));
        try (EmbeddedBus bus = EmbeddedBus.open(BusConfig.builder(dir).build())) {
            listener.start(new ServiceContext(bus, settings));
            bus.admin().createTopic("a", PARTITIONS, Map.of());
            bus.admin().createTopic("b", PARTITIONS, Map.of());
            byte[] value = new byte[100];
            for (int i = 0; i < records; i++) {
                bus.producer().send("a", BusRecord.of(("k" + i).getBytes(), value));
            }
            bus.producer().flush();
            try (CamelContext camel = new DefaultCamelContext()) {
                camel.getRegistry().bind("bus", bus);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("bus:a?" + options).to("bus:b");
                    }
                });
                long start = System.nanoTime();
                camel.start();
                while (committed(bus) < records) {
                    Thread.sleep(20);
                }
                return records * 1e9 / (System.nanoTime() - start);
            } finally {
                listener.stop();
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long committed(EmbeddedBus bus) {
        try {
            GroupDescription group = bus.admin().describeGroup("bench");
            return group.offsets().stream().filter(o -> o.partition().topic().equals("a"))
                    .mapToLong(o -> Math.max(0, o.committedOffset())).sum();
        } catch (RuntimeException e) {
            return 0; // the group appears with its first commit
        }
    }
}
