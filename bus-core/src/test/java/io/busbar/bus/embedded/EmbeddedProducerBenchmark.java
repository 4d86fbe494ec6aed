package io.busbar.bus.embedded;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusProducer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Durability;
import io.busbar.bus.RecordMetadata;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Records/s through the embedded bus's producer, acknowledged (durable) — what a user's code sees. Each invocation
 * sends 1,000 records and waits for the last acknowledgement.
 * Run: {@code mvn -B -pl bus-core -Pbench test-compile exec:exec -Dbench=EmbeddedProducerBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 5)
public class EmbeddedProducerBenchmark {
    @Param({"100", "1024"})
    int recordBytes;

    @Param({"FSYNC", "INTERVAL", "OS"})
    Durability durability;

    private Path dir;
    private Bus bus;
    private BusProducer producer;
    private byte[] value;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("busbar-bench-");
        bus = Bus.open(BusConfig.builder(dir).durability(durability).retentionCheckIntervalMs(2_000).build());
        // bounded disk use during long runs: keep about 1 GiB per partition
        bus.admin().createTopic("bench", 4, Map.of("retention.bytes", Long.toString(1L << 30), "segment.bytes", Integer.toString(128 << 20)));
        producer = bus.producer();
        value = new byte[recordBytes];
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        bus.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(1000)
    public RecordMetadata oneProducerThread() {
        return send1000();
    }

    @Benchmark
    @Threads(4)
    @OperationsPerInvocation(1000)
    public RecordMetadata fourProducerThreads() {
        return send1000();
    }

    private RecordMetadata send1000() {
        CompletableFuture<RecordMetadata> last = null;
        for (int i = 0; i < 1000; i++) {
            last = producer.send("bench", BusRecord.of(null, value));
        }
        return last.join();
    }
}
