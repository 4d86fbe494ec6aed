import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What one append + fdatasync costs on this disk, by how the file's space came to be (the question behind
 * SegmentPreallocation). Each writer thread appends {@code size} bytes to its own file and fdatasyncs
 * ({@code FileChannel.force(false)}), {@code n} times:
 * <ul>
 *   <li>{@code append}: the file grows with every append (what a segment does without preallocation);</li>
 *   <li>{@code sparse}: the file was extended first with {@code setLength} (a hole, as Kafka's {@code log.preallocate});</li>
 *   <li>{@code zero}: the file was zero-filled and fsynced first, outside the timing;</li>
 *   <li>{@code ahead}: a background thread zero-fills {@code chunk} bytes ahead of each writer and fdatasyncs them, as
 *       SegmentPreallocation does; its CPU counts in the process figure;</li>
 *   <li>{@code direct}: as {@code zero}, but the file is opened with O_DIRECT ({@code ExtendedOpenOption.DIRECT}) and
 *       written from a block-aligned buffer: no page-cache copy and no write-back, the fdatasync only flushes the
 *       disk's cache (SIZE must be a multiple of the file system's block size). What a storage engine doing its own
 *       caching (as Redpanda does) would pay per append; Busbar's segments do not work this way.</li>
 * </ul>
 * Prints the wall time per fdatasync per writer, the writers' own CPU per fdatasync (user + system) and the whole
 * process's CPU ticks (filler included).
 *
 * <pre>java bench/fdatasync/FdatasyncProbe.java MODE N SIZE THREADS [DIR]    (-Dchunk=8388608)</pre>
 */
public class FdatasyncProbe {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        Path dir = Files.createTempDirectory(Path.of(args.length > 4 ? args[4] : "/tmp"), "fdatasync-probe");
        int chunk = Integer.getInteger("chunk", 8 << 20);
        FileChannel[] files = new FileChannel[threads];
        long[] appended = new long[threads];
        long[] zeroed = new long[threads];
        Object[] locks = new Object[threads];
        for (int t = 0; t < threads; t++) {
            Path file = dir.resolve("segment-" + t);
            files[t] = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            locks[t] = new Object();
            long total = (long) n * size;
            if (mode.equals("zero") || mode.equals("direct")) {
                writeZeros(files[t], 0, total);
                files[t].force(true);
            }
            if (mode.equals("direct")) {
                files[t].close();
                files[t] = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            } else if (mode.equals("sparse")) {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(total);
                }
                files[t].force(true);
            }
        }
        Thread filler = null;
        boolean[] stop = {false};
        if (mode.equals("ahead")) {
            filler = new Thread(() -> fillAhead(files, appended, zeroed, locks, chunk, stop));
            filler.setDaemon(true);
            filler.start();
            Thread.sleep(200);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[threads];
        Thread[] writers = new Thread[threads];
        long started = System.nanoTime();
        long ticks = processTicks();
        for (int t = 0; t < threads; t++) {
            int w = t;
            writers[t] = new Thread(() -> {
                try {
                    int block = (int) Files.getFileStore(dir).getBlockSize();
                    ByteBuffer batch = ByteBuffer.allocateDirect(size + block).alignedSlice(block);
                    batch.limit(size);
                    long cpuStart = mx.getCurrentThreadCpuTime();
                    long position = 0;
                    for (int i = 0; i < n; i++) {
                        batch.clear().limit(size);
                        batch.putLong(0, i);
                        if (position + size > zeroed[w]) {
                            synchronized (locks[w]) {
                                appended[w] = position + size;
                            }
                        }
                        while (batch.hasRemaining()) {
                            position += files[w].write(batch, position);
                        }
                        files[w].force(false);
                    }
                    cpu[w] = mx.getCurrentThreadCpuTime() - cpuStart;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writers[t].start();
        }
        for (Thread t : writers) {
            t.join();
        }
        stop[0] = true;
        long wall = System.nanoTime() - started;
        long used = processTicks() - ticks;
        long writerCpu = 0;
        for (long c : cpu) {
            writerCpu += c;
        }
        System.out.printf("%-6s size=%d threads=%d n=%d: %.1f us/fdatasync wall per writer, %.1f us writer CPU per "
                        + "fdatasync, process CPU %d ticks of 10 ms%n", mode, size, threads, n, wall / 1000.0 / n,
                writerCpu / 1000.0 / n / threads, used);
        for (FileChannel f : files) {
            f.close();
        }
        try (var listing = Files.list(dir)) {
            for (Path p : listing.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Keeps between one and two chunks of fdatasynced zeros ahead of each writer, never below an append in progress. */
    private static void fillAhead(FileChannel[] files, long[] appended, long[] zeroed, Object[] locks, int chunk,
                                  boolean[] stop) {
        try {
            while (!stop[0]) {
                boolean wrote = false;
                for (int t = 0; t < files.length; t++) {
                    long end;
                    synchronized (locks[t]) {
                        end = appended[t];
                    }
                    if (zeroed[t] - end < chunk) {
                        long target = Math.max(zeroed[t], end) + 2L * chunk;
                        while (zeroed[t] < target) {
                            synchronized (locks[t]) {
                                long from = Math.max(zeroed[t], appended[t]);
                                zeroed[t] = writeZeros(files[t], from, Math.min(256 << 10, target - from));
                            }
                        }
                        files[t].force(false);
                        wrote = true;
                    }
                }
                if (!wrote) {
                    Thread.sleep(1);
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    private static long writeZeros(FileChannel file, long from, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        long at = from;
        while (at < from + length) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), from + length - at));
            at += file.write(zeros, at);
        }
        return at;
    }

    private static long processTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
