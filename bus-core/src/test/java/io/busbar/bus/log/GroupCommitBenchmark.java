package io.busbar.bus.log;

import io.busbar.bus.Durability;
import org.apache.kafka.common.record.MemoryRecords;
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
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Durable 100-byte records from 4 threads: an fsync per record versus group commit (FSYNC durability, one fsync for
 * all appends written meanwhile, up to 64 records in flight per thread). Also the raw fsync rate of the disk.
 * Scores are records (or fsyncs) per second.
 *
 * <p>Run: {@code mvn -B -pl bus-core -Pbench test-compile exec:exec -Dbench=GroupCommitBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
public class GroupCommitBenchmark {

    @State(Scope.Benchmark)
    public static class PerRecordLog {
        Path dir;
        SegmentedLog log;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchLogs.newDirectory();
            log = BenchLogs.open(dir, Durability.OS);
        }

        @TearDown(Level.Trial)
        public void close() {
            log.close();
            BenchLogs.delete(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class GroupCommitLog {
        Path dir;
        SegmentedLog log;
        long roundsAtStart;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchLogs.newDirectory();
            log = BenchLogs.open(dir, Durability.FSYNC);
        }

        @Setup(Level.Iteration)
        public void mark() {
            roundsAtStart = log.fsyncRounds();
        }

        @TearDown(Level.Iteration)
        public void report() {
            System.out.println("  fsync rounds this iteration: " + (log.fsyncRounds() - roundsAtStart)
                    + ", log end " + log.logEndOffset());
        }

        @TearDown(Level.Trial)
        public void close() {
            log.close();
            BenchLogs.delete(dir);
        }
    }

    @State(Scope.Thread)
    public static class Record {
        final MemoryRecords record = TestBatches.sized(System.currentTimeMillis(), 1, 100);
        final ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();

        @TearDown(Level.Iteration)
        public void drain() {
            while (!inFlight.isEmpty()) {
                inFlight.poll().join();
            }
        }
    }

    @State(Scope.Thread)
    public static class RawFile {
        Path dir;
        FileChannel channel;
        final ByteBuffer bytes = ByteBuffer.allocate(100);

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = BenchLogs.newDirectory();
            channel = FileChannel.open(dir.resolve("fsync.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
            BenchLogs.delete(dir);
        }
    }

    /**
     * The naive log: each record appended and fsynced under one lock before the next (no group commit). Four threads
     * contend for it as four producers would.
     */
    @Benchmark
    @Threads(4)
    public void fsyncPerRecord(PerRecordLog state, Record record) throws IOException {
        synchronized (state) {
            state.log.append(record.record);
            state.log.activeSegment().records().flush();
        }
    }

    /** Each thread keeps up to 64 one-record appends in flight; the flusher fsyncs once for all written. */
    @Benchmark
    @Threads(4)
    public void groupCommit(GroupCommitLog state, Record record) {
        if (record.inFlight.size() >= 64) {
            record.inFlight.poll().join();
        }
        record.inFlight.add(state.log.append(record.record).durable());
    }

    /** The disk's fsync rate: write 100 bytes, fsync, one thread. */
    @Benchmark
    @Threads(1)
    public void rawFsync(RawFile file) throws IOException {
        file.bytes.clear();
        file.channel.write(file.bytes);
        file.channel.force(true);
    }
}
