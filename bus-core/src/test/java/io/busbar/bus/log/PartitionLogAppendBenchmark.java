package io.busbar.bus.log;

import io.busbar.bus.Durability;
import org.apache.kafka.common.record.MemoryRecords;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Append throughput as a producer drives it: batches of ~16 KiB (the producer's default batch.size) of 100-byte or
 * 1 KiB records, up to 8 appends in flight per thread (the producer's pipelining), each acknowledged only when
 * its durable future completes. The score is appends (batches) per second; the {@code records} counter gives
 * records per second.
 *
 * <p>Run: {@code mvn -B -pl bus-core -Pbench test-compile exec:exec -Dbench=PartitionLogAppendBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
public class PartitionLogAppendBenchmark {

    @State(Scope.Benchmark)
    public static class LogState {
        @Param({"FSYNC", "INTERVAL", "OS"})
        public Durability durability;

        @Param({"100", "1024"})
        public int recordSize;

        /** {@code busbar.log.preallocate.bytes}: 0 (off, the default) or 8 MiB. */
        @Param({"0", "8388608"})
        public int preallocateBytes;

        Path dir;
        SegmentedLog log;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchLogs.newDirectory();
            log = BenchLogs.open(dir, durability, preallocateBytes);
        }

        @TearDown(Level.Trial)
        public void close() {
            log.close();
            BenchLogs.delete(dir);
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Producer {
        /** Records appended: JMH reports it per second (the only public field: aux counters are public fields). */
        public long records;
        MemoryRecords batch;
        int recordsPerBatch;
        final ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();

        @Setup(Level.Trial)
        public void build(LogState state) {
            recordsPerBatch = Math.max(1, 16 * 1024 / (state.recordSize + 10));
            batch = TestBatches.sized(System.currentTimeMillis(), recordsPerBatch, state.recordSize);
        }

        @TearDown(Level.Iteration)
        public void drain() {
            while (!inFlight.isEmpty()) {
                inFlight.poll().join();
            }
        }

        void send(SegmentedLog log) {
            if (inFlight.size() >= 8) {
                inFlight.poll().join();
            }
            // one thread's batch buffer is reused: append rewrites only its base offset
            inFlight.add(log.append(batch).durable());
            records += recordsPerBatch;
        }
    }

    @Benchmark
    @Threads(1)
    public void append1Thread(LogState state, Producer producer) {
        producer.send(state.log);
    }

    @Benchmark
    @Threads(4)
    public void append4Threads(LogState state, Producer producer) {
        producer.send(state.log);
    }
}
