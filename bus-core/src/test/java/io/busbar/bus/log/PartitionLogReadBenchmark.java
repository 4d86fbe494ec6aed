package io.busbar.bus.log;

import io.busbar.bus.Durability;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Read throughput from the page cache: 1 MiB fetches over a 256 MiB log of 1 KiB records in 16 KiB batches, each
 * fetch's bytes copied out of the file into a buffer (what a consumer or socket transfer costs at least). The
 * {@code bytes} counter gives bytes per second.
 *
 * <p>Run: {@code mvn -B -pl bus-core -Pbench test-compile exec:exec -Dbench=PartitionLogReadBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
public class PartitionLogReadBenchmark {
    static final int FETCH_BYTES = 1 << 20;

    @State(Scope.Benchmark)
    public static class FilledLog {
        Path dir;
        SegmentedLog log;

        @Setup(Level.Trial)
        public void fill() {
            dir = BenchLogs.newDirectory();
            log = BenchLogs.open(dir, Durability.OS);
            MemoryRecords batch = TestBatches.sized(System.currentTimeMillis(), 15, 1024);
            while (log.sizeInBytes() < (256L << 20)) {
                log.append(batch);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            log.close();
            BenchLogs.delete(dir);
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Consumer {
        public long bytes;
        long position;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(2 * FETCH_BYTES);
    }

    @Benchmark
    @Threads(1)
    public int fetch1MiB(FilledLog state, Consumer consumer) throws IOException {
        if (consumer.position >= state.log.highWatermark()) {
            consumer.position = 0;
        }
        Records records = state.log.read(consumer.position, FETCH_BYTES, true).records();
        int size = records.sizeInBytes();
        consumer.buffer.clear().limit(size);
        ((FileRecords) records).readInto(consumer.buffer, 0);
        // the next fetch starts after the last batch: its offset is in the copied bytes
        consumer.position = records.lastBatch().orElseThrow().nextOffset();
        consumer.bytes += size;
        return size;
    }
}
