package io.busbar.bus.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Names of the files in a partition directory and the crash-safe file operations on them. A segment is three files
 * named by its base offset in 20 digits ({@code 00000000000000000042.log}, {@code .index}, {@code .timeindex}), so
 * that a directory listing sorts them by offset. Suffixes mark files in transit: {@code .cleaned} (a compacted
 * segment being written), {@code .swap} (a complete compacted segment about to replace the original) and
 * {@code .deleted} (removed from the log, deleted after readers let go).
 *
 * <p>Every create, rename and delete is followed by an fsync of the directory, because on Linux the new name is not
 * durable until the directory is. The embedded bus writes its topic metadata with {@link #writeAtomically} too.
 * Stateless and thread-safe.
 */
public final class LogFiles {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";
    static final String DELETED_SUFFIX = ".deleted";
    static final String TMP_SUFFIX = ".tmp";
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private LogFiles() {
    }

    static String baseName(long baseOffset) {
        return String.format("%020d", baseOffset);
    }

    static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + LOG_SUFFIX);
    }

    static Path offsetIndexFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + INDEX_SUFFIX);
    }

    static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + TIME_INDEX_SUFFIX);
    }

    /** The base offset of a file named {@code <20 digits>.<suffix...>}, or empty for any other name. */
    static OptionalLong baseOffsetOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        if (dot != 20) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < 20; i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(name.substring(0, 20)));
    }

    /** Makes a directory entry change (create, rename, delete) durable. (Windows cannot open a directory; skipped.) */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (WINDOWS) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static void fsyncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Renames atomically; the caller fsyncs the directory (often once for several renames). */
    public static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Creates {@code dir} and any missing parents, fsyncing the parent of each directory it creates, so that what is
     * written inside later is not lost with a directory entry that never reached the disk.
     */
    public static void createDirectoriesDurably(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        createDirectoriesDurably(abs.getParent());
        try {
            Files.createDirectory(abs);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
            return;
        }
        fsyncDirectory(abs.getParent());
    }

    /**
     * Renames atomically and fsyncs the directories involved, so the new name survives a power loss before anything
     * that relies on it is done (the helper for a single rename; batches use {@link #rename} and fsync once).
     */
    public static void renameDurably(Path from, Path to) throws IOException {
        rename(from, to);
        Path target = to.toAbsolutePath().getParent();
        fsyncDirectory(target);
        Path source = from.toAbsolutePath().getParent();
        if (!source.equals(target)) {
            fsyncDirectory(source);
        }
    }

    /** Writes {@code content} to {@code file} atomically: a temporary file, fsync, rename, fsync of the directory. */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        writeAndFsync(tmp, java.nio.ByteBuffer.wrap(content));
        rename(tmp, file);
        fsyncDirectory(file.getParent());
    }

    /** Deletes a directory and everything in it (children first); the caller fsyncs the parent directory. */
    public static void deleteRecursively(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Replaces {@code file}'s content with the buffer's remaining bytes and fsyncs it (not its directory). */
    static void writeAndFsync(Path file, java.nio.ByteBuffer buffer) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /**
     * The content of an index file made of fixed-size entries, or null when the file is missing or its size is not a
     * whole number of entries (the caller rebuilds the index).
     */
    static java.nio.ByteBuffer readEntries(Path file, int entrySize) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(file);
        return bytes.length % entrySize == 0 ? java.nio.ByteBuffer.wrap(bytes) : null;
    }
}
