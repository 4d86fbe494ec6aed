import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * What a shared write-ahead journal would save (the question "Where the produce gap is" in docs/performance.md left
 * open): a produce request to P partitions appends {@code size} bytes to each of P segment files and must be durable
 * before it is answered. Each round is one such request:
 * <ul>
 *   <li>{@code files}: append to each segment and fdatasync each, on {@code threads} threads (today's log: one
 *       fdatasync per partition, spread over the flusher threads);</li>
 *   <li>{@code journal}: append to each segment without syncing, append all P pieces to one journal file and
 *       fdatasync only that (one fdatasync per request, every byte written twice);</li>
 *   <li>{@code direct}: as {@code journal}, but the journal is opened with O_DIRECT | O_DSYNC and written from an
 *       aligned buffer in whole 4 KiB blocks (no page-cache copy for the second write; the write itself is the
 *       sync).</li>
 * </ul>
 * All files are zero-filled and fsynced first, outside the timing (the best case for every mode, as with
 * {@code busbar.log.preallocate.bytes}). Prints the wall time per round and the process's CPU per round (every
 * thread, user + system, from /proc/self/stat) and the whole machine's (/proc/stat: the kernel's write-back threads,
 * which no process is charged for, included; run it on an idle machine). The journal modes sync every segment once
 * at the end, inside the timing: a journal defers the segments' write-back, it does not remove it.
 *
 * <pre>java bench/fdatasync/JournalProbe.java MODE ROUNDS SIZE PARTITIONS [THREADS] [DIR]</pre>
 */
public class JournalProbe {
    private static final int BLOCK = 4096;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int rounds = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        int partitions = Integer.parseInt(args[3]);
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Path dir = Files.createTempDirectory(Path.of(args.length > 5 ? args[5] : "/tmp"), "journal-probe");
        long segmentBytes = (long) rounds * size;
        FileChannel[] segments = new FileChannel[partitions];
        for (int p = 0; p < partitions; p++) {
            segments[p] = FileChannel.open(dir.resolve("segment-" + p), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            zeroFill(segments[p], segmentBytes);
        }
        int journalRound = (int) roundUp((long) size * partitions + 64);
        long journalBytes = (long) rounds * journalRound;
        FileChannel journal = null;
        if (!mode.equals("files")) {
            Path file = dir.resolve("journal");
            try (FileChannel init = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                zeroFill(init, journalBytes);
            }
            journal = mode.equals("direct")
                    ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.DSYNC, ExtendedOpenOption.DIRECT)
                    : FileChannel.open(file, StandardOpenOption.WRITE);
        }
        ByteBuffer piece = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            piece.put(i, (byte) (i * 31 + 7));
        }
        ByteBuffer aligned = ByteBuffer.allocateDirect(journalRound + BLOCK).alignedSlice(BLOCK);
        aligned.limit(journalRound);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long cpuBefore = processCpuTicks();
        long systemBefore = systemBusyTicks();
        long start = System.nanoTime();
        long journalPosition = 0;
        for (int r = 0; r < rounds; r++) {
            long position = (long) r * size;
            for (FileChannel segment : segments) {
                write(segment, piece.duplicate(), position);
            }
            if (mode.equals("files")) {
                List<Future<?>> syncs = new ArrayList<>();
                for (FileChannel segment : segments) {
                    syncs.add(pool.submit(() -> {
                        segment.force(false);
                        return null;
                    }));
                }
                for (Future<?> f : syncs) {
                    f.get();
                }
            } else if (mode.equals("journal")) {
                for (int p = 0; p < partitions; p++) {
                    write(journal, piece.duplicate(), journalPosition);
                    journalPosition += size;
                }
                journal.force(false);
            } else {
                // the pieces copied into one aligned buffer (a user-space copy), written once: O_DSYNC makes the
                // write return only once the blocks are on stable storage
                aligned.clear().limit(journalRound);
                for (int p = 0; p < partitions; p++) {
                    aligned.put(piece.duplicate());
                }
                aligned.clear().limit(journalRound);
                write(journal, aligned, journalPosition);
                journalPosition += journalRound;
            }
        }
        if (journal != null) {
            // a journal lets the segments be synced rarely, not never: their write-back (a checkpoint) counts too
            for (FileChannel segment : segments) {
                segment.force(false);
            }
        }
        long wallNanos = System.nanoTime() - start;
        long ticks = processCpuTicks() - cpuBefore;
        long systemTicks = systemBusyTicks() - systemBefore;
        pool.shutdown();
        System.out.printf("%s rounds=%d size=%d partitions=%d threads=%d: %.1f us/round wall, %.1f us/round process CPU"
                        + " (%d ticks of 10 ms), %.1f us/round machine CPU%n", mode, rounds, size, partitions, threads,
                wallNanos / 1e3 / rounds, ticks * 10_000.0 / rounds, ticks, systemTicks * 10_000.0 / rounds);
        for (FileChannel segment : segments) {
            segment.close();
        }
        if (journal != null) {
            journal.close();
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static long roundUp(long n) {
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static void zeroFill(FileChannel channel, long bytes) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < bytes; at += zeros.capacity()) {
            write(channel, zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at)), at);
        }
        channel.force(true);
    }

    private static void write(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /** Busy time of all CPUs (user, nice, system, irq, softirq, steal), in clock ticks: kernel write-back included. */
    private static long systemBusyTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    }

    /** utime + stime of the whole process, in clock ticks (100 per second here). */
    private static long processCpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
