package io.busbar.connectors.bus.bench;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Durability;
import io.busbar.bus.TestBackend;
import io.busbar.bus.TopicDescription;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Records per second through one Camel route, {@code from: bus:a} → {@code to: bus:b}, against the same route over
 * Camel's in-memory {@code seda:} and {@code direct:}. Not a unit test; run with
 * {@code mvn -B -q -pl connectors -am verify -Pbench -DskipTests} (options: -Dbench.records=200000
 * -Dbench.valueBytes=100 -Dbench.partitions=4). Results go to docs/performance.md, "Pipelines".
 * With {@code -Dbench.backend=kafka} (or {@code kafka4}) the bus rows run on a real single-node Apache Kafka broker
 * started in a child JVM on the same machine (see {@link TestBackend}) instead of the embedded bus.
 */
public final class PipelineBench {

    private static final int RECORDS = Integer.getInteger("bench.records", 200_000);
    private static final int VALUE_BYTES = Integer.getInteger("bench.valueBytes", 100);
    private static final int PARTITIONS = Integer.getInteger("bench.partitions", 4);
    /** -Dbench.rows=defaults: only the "defaults" row (3 runs), for docs/performance.md. */
    private static final boolean DEFAULTS_ONLY = "defaults".equals(System.getProperty("bench.rows"));
    private static final TestBackend BACKEND = TestBackend.named("bench.backend",
            System.getProperty("bench.backend", "embedded"));

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "Pipeline benchmark: %d records of %d bytes, %d partitions, %d cores, Java %s%n",
                RECORDS, VALUE_BYTES, PARTITIONS, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("| route | durability | consumer options | records | records/s |");
        System.out.println("|---|---|---|---|---|");
        if (BACKEND.isKafka()) {
            kafka();
            return;
        }
        if (DEFAULTS_ONLY) {
            // the "defaults" row: bus:a → bus:b with no consumer options, with fsync; median of 3 after a warm-up
            busToBus(Durability.FSYNC, "", RECORDS / 4, false);
            for (int run = 0; run < 3; run++) {
                busToBus(Durability.FSYNC, "", RECORDS, true);
            }
            return;
        }
        // warm-up rounds (JIT), not reported
        direct(false);
        seda(false);
        busToBus(Durability.OS, "maxInFlight=500", RECORDS / 4, false);
        direct(true);
        seda(true);
        busToBus(Durability.OS, "maxInFlight=1", RECORDS / 4, true);
        busToBus(Durability.OS, "maxInFlight=500", RECORDS, true);
        busToBus(Durability.OS, "maxInFlight=500&concurrency=2", RECORDS, true);
        busToBus(Durability.FSYNC, "maxInFlight=1", RECORDS / 20, true);
        busToBus(Durability.FSYNC, "maxInFlight=500", RECORDS, true);
        busToBus(Durability.FSYNC, "maxInFlight=500&concurrency=2", RECORDS, true);
        busToBus(Durability.FSYNC, "", RECORDS, true);
    }

    /** The bus rows on a Kafka broker: durability is the broker's (acks=all; the test broker flushes every message). */
    private static void kafka() throws Exception {
        busToBus(Durability.FSYNC, "maxInFlight=500", RECORDS / 4, false); // warm-up
        busToBus(Durability.FSYNC, "maxInFlight=1", RECORDS / 20, true);
        busToBus(Durability.FSYNC, "maxInFlight=500", RECORDS, true);
        busToBus(Durability.FSYNC, "maxInFlight=500&concurrency=2", RECORDS, true);
    }

    private static void report(boolean print, String route, String durability, String options, Rate rate) {
        if (print) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %,d | %,.0f |%n", route, durability, options, rate.records,
                    rate.records * 1e9 / rate.nanos);
        }
    }

    /** Records counted from the first one out (so consumer-group join time is not counted) to the last. */
    private record Rate(long records, long nanos) { }

    private static void direct(boolean print) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            AtomicLong done = new AtomicLong();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:a").to("direct:b");
                    from("direct:b").process(e -> done.incrementAndGet());
                }
            });
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            byte[] value = new byte[VALUE_BYTES];
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                template.sendBody("direct:a", value);
            }
            report(print, "direct:a → direct:b (in memory, caller's thread)", "none", "-", new Rate(done.get(), System.nanoTime() - start));
        }
    }

    private static void seda(boolean print) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("seda:a?size=" + (RECORDS + 1)).routeId("copy").autoStartup(false)
                            .to("seda:b?size=" + (RECORDS + 1));
                }
            });
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < RECORDS; i++) {
                template.sendBody("seda:a?size=" + (RECORDS + 1), value);
            }
            SedaEndpoint b = camel.getEndpoint("seda:b?size=" + (RECORDS + 1), SedaEndpoint.class);
            camel.getRouteController().startRoute("copy");
            report(print, "seda:a → seda:b (in memory, queued)", "none", "-", awaitCount(RECORDS, () -> b.getQueue().size()));
        }
    }

    private static void busToBus(Durability durability, String options, int records, boolean print) throws Exception {
        Path dir = Files.createTempDirectory("busbar-bench");
        try (Bus bus = BACKEND.open(BusConfig.builder(dir).durability(durability).build())) {
            bus.admin().createTopic("a", PARTITIONS, Map.of());
            bus.admin().createTopic("b", PARTITIONS, Map.of());
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < records; i++) {
                bus.producer().send("a", BusRecord.of(("k" + i).getBytes(), value));
            }
            bus.producer().flush();
            try (CamelContext camel = new DefaultCamelContext()) {
                camel.getRegistry().bind("bus", bus);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("bus:a?groupId=bench" + (options.isEmpty() ? "" : "&" + options)).routeId("copy").autoStartup(false).to("bus:b");
                    }
                });
                camel.start();
                camel.getRouteController().startRoute("copy");
                Rate rate = awaitCount(records, () -> endOffsets(bus.admin().describeTopic("b")));
                report(print, "bus:a → bus:b", BACKEND.isKafka() ? BACKEND.name().toLowerCase(Locale.ROOT) + " broker, acks=all"
                        : durability.name().toLowerCase(Locale.ROOT), options.isEmpty() ? "(defaults)" : options, rate);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long endOffsets(TopicDescription topic) {
        return topic.partitions().stream().mapToLong(TopicDescription.PartitionDescription::endOffset).sum();
    }

    private static Rate awaitCount(long records, LongSupplier count) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        long first;
        while ((first = count.getAsLong()) == 0) {
            check(deadline, 0, records);
            Thread.onSpinWait();
        }
        long start = System.nanoTime();
        // on Kafka every count is an admin round trip: ask less often so the broker's CPU goes to the pipeline
        long pauseMs = BACKEND.isKafka() ? 20 : 1;
        while (count.getAsLong() < records) {
            check(deadline, count.getAsLong(), records);
            Thread.sleep(pauseMs);
        }
        return new Rate(records - first, System.nanoTime() - start);
    }

    private static void check(long deadline, long done, long records) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Benchmark did not finish within 10 minutes: " + done + " of " + records);
        }
    }
}
