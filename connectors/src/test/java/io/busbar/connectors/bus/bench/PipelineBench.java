package io.busbar.connectors.bus.bench;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Durability;
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
 */
public final class PipelineBench {

    private static final int RECORDS = Integer.getInteger("bench.records", 200_000);
    private static final int VALUE_BYTES = Integer.getInteger("bench.valueBytes", 100);
    private static final int PARTITIONS = Integer.getInteger("bench.partitions", 4);

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "Pipeline benchmark: %d records of %d bytes, %d partitions, %d cores, Java %s%n",
                RECORDS, VALUE_BYTES, PARTITIONS, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("| route | durability | consumer options | records/s |");
        System.out.println("|---|---|---|---|");
        direct();
        seda();
        busToBus(Durability.OS, "maxInFlight=1");
        busToBus(Durability.OS, "maxInFlight=500");
        busToBus(Durability.OS, "maxInFlight=500&concurrency=2");
        busToBus(Durability.FSYNC, "maxInFlight=1");
        busToBus(Durability.FSYNC, "maxInFlight=500");
        busToBus(Durability.FSYNC, "maxInFlight=500&concurrency=2");
    }

    private static void report(String route, String durability, String options, long records, long nanos) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %,.0f |%n", route, durability, options, records * 1e9 / nanos);
    }

    private static void direct() throws Exception {
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
            report("direct:a → direct:b (in memory, caller's thread)", "none", "-", done.get(), System.nanoTime() - start);
        }
    }

    private static void seda() throws Exception {
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
            long start = System.nanoTime();
            camel.getRouteController().startRoute("copy");
            awaitCount(() -> b.getQueue().size());
            report("seda:a → seda:b (in memory, queued)", "none", "-", RECORDS, System.nanoTime() - start);
        }
    }

    private static void busToBus(Durability durability, String options) throws Exception {
        Path dir = Files.createTempDirectory("busbar-bench");
        try (Bus bus = Bus.open(BusConfig.builder(dir).durability(durability).build())) {
            bus.admin().createTopic("a", PARTITIONS, Map.of());
            bus.admin().createTopic("b", PARTITIONS, Map.of());
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < RECORDS; i++) {
                bus.producer().send("a", BusRecord.of(("k" + i).getBytes(), value));
            }
            bus.producer().flush();
            try (CamelContext camel = new DefaultCamelContext()) {
                camel.getRegistry().bind("bus", bus);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("bus:a?groupId=bench&" + options).routeId("copy").autoStartup(false).to("bus:b");
                    }
                });
                camel.start();
                long start = System.nanoTime();
                camel.getRouteController().startRoute("copy");
                awaitCount(() -> endOffsets(bus.admin().describeTopic("b")));
                report("bus:a → bus:b", durability.name().toLowerCase(Locale.ROOT), options, RECORDS, System.nanoTime() - start);
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

    private static void awaitCount(LongSupplier count) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (count.getAsLong() < RECORDS) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Benchmark did not finish within 10 minutes: " + count.getAsLong()
                        + " of " + RECORDS);
            }
            Thread.sleep(1);
        }
    }
}
