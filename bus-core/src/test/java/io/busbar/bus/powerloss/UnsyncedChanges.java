package io.busbar.bus.powerloss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a power loss may still take away: every data write since its file's last fsync (with the bytes it replaced,
 * so it can be undone) and every directory change (create, rename, delete) since its directory's last fsync.
 * {@link #losePower} turns the disk into one state a real machine could come back with: for each file a prefix of
 * its unsynced writes, the last one possibly torn, the rest gone (truncated, or as zeros when the size reached the
 * disk but the data did not); a prefix, in order, of the unsynced directory changes; everything fsynced kept.
 * Paths here are the platform's own (unwrapped), so the undo work does not come back through the provider.
 * Callers hold the provider's gate; the monitor guards the maps against concurrent operations.
 */
final class UnsyncedChanges {
    /** One write or truncation to undo: put {@code before} back at {@code position}, then make the size {@code sizeBefore}. */
    record Write(long seq, long position, byte[] before, long sizeBefore, long length) {
    }

    /** The unsynced writes of one file (it keeps this object across renames). */
    static final class FileData {
        final List<Write> writes = new ArrayList<>();
    }

    sealed interface Change permits Created, Moved, Deleted {
        long seq();

        Path dir();
    }

    record Created(long seq, Path dir, Path path) implements Change {
    }

    record Moved(long seq, Path dir, Path from, Path to, Path replacedBackup) implements Change {
    }

    record Deleted(long seq, Path dir, Path path, Path trash) implements Change {
    }

    private static final boolean DEBUG = Boolean.getBoolean("busbar.powerloss.debug");
    private final Path trashDir;
    private final Map<Path, FileData> files = new HashMap<>();
    private final List<Change> pending = new ArrayList<>();
    private final List<Moved> moves = new ArrayList<>();
    private long seq;
    private long trashCounter;

    UnsyncedChanges(Path trashDir) {
        this.trashDir = trashDir;
    }

    synchronized long nextSeq() {
        return ++seq;
    }

    synchronized FileData data(Path file) {
        return files.computeIfAbsent(file, f -> new FileData());
    }

    /** Records the bytes a write of {@code length} bytes at {@code position} is about to replace. */
    void beforeWrite(FileData data, FileChannel channel, long position, long length) throws IOException {
        long size = channel.size();
        byte[] before = readRange(channel, position, Math.max(0, Math.min(position + length, size) - position));
        long s = nextSeq();
        synchronized (this) {
            data.writes.add(new Write(s, position, before, size, length));
        }
    }

    /** Records what a truncation to {@code newSize} is about to cut off. */
    void beforeTruncate(FileData data, FileChannel channel, long newSize) throws IOException {
        long size = channel.size();
        if (newSize >= size) {
            return;
        }
        byte[] before = readRange(channel, newSize, size - newSize);
        long s = nextSeq();
        synchronized (this) {
            data.writes.add(new Write(s, newSize, before, size, 0));
        }
    }

    /** An fsync that started after change {@code mark} returned: everything written up to it is durable. */
    synchronized void fileSynced(FileData data, long mark) {
        data.writes.removeIf(w -> w.seq() <= mark);
    }

    synchronized void dirSynced(Path dir, long mark) {
        pending.removeIf(c -> c.seq() <= mark && c.dir().equals(dir));
    }

    synchronized void created(Path path) {
        pending.add(new Created(++seq, path.getParent(), path));
    }

    /** Moves {@code from} to {@code to}, first putting a file it replaces aside so the rename can be undone. */
    synchronized void move(Path from, Path to, java.nio.file.CopyOption... options) throws IOException {
        Path backup = null;
        if (Files.exists(to)) {
            backup = trashPath(to);
            Files.move(to, backup);
            rekey(to, backup);
        }
        Files.move(from, to, options);
        rekey(from, to);
        Moved moved = new Moved(++seq, to.getParent(), from, to, backup);
        pending.add(moved);
        moves.add(moved);
    }

    /** Deletes by moving into the trash, so the deletion can be undone. */
    synchronized boolean delete(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isDirectory(path)) {
            try (Stream<Path> children = Files.list(path)) {
                if (children.findAny().isPresent()) {
                    throw new java.nio.file.DirectoryNotEmptyException(path.toString());
                }
            }
        }
        Path trash = trashPath(path);
        Files.move(path, trash);
        rekey(path, trash);
        pending.add(new Deleted(++seq, path.getParent(), path, trash));
        return true;
    }

    /** Turns the disk into a state a power loss could leave, then forgets everything (the new epoch starts clean). */
    synchronized void losePower(Random random) throws IOException {
        for (var entry : files.entrySet()) {
            if (!entry.getValue().writes.isEmpty() && Files.isRegularFile(entry.getKey())) {
                loseWrites(entry.getKey(), entry.getValue().writes, random);
            }
        }
        int keep = random.nextInt(pending.size() + 1);
        Set<Change> dropped = new HashSet<>(pending.subList(keep, pending.size()));
        List<Change> undo = new ArrayList<>(dropped);
        undo.sort(Comparator.comparingLong(Change::seq).reversed());
        for (Change change : undo) {
            if (DEBUG) {
                System.out.println("power loss undoes " + change);
            }
            undo(change, dropped);
        }
        deleteRecursively(trashDir);
        files.clear();
        pending.clear();
        moves.clear();
    }

    synchronized int unsyncedWrites() {
        return files.values().stream().mapToInt(d -> d.writes.size()).sum();
    }

    synchronized int unsyncedDirectoryChanges() {
        return pending.size();
    }

    private void loseWrites(Path file, List<Write> writes, Random random) throws IOException {
        int n = writes.size();
        int kept = random.nextInt(n + 1);
        boolean tear = kept < n && writes.get(kept).length() > 1 && random.nextInt(3) == 0;
        boolean zeros = random.nextInt(5) == 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long sizeAtCrash = channel.size();
            long size = sizeAtCrash;
            for (int i = n - 1; i >= kept + (tear ? 1 : 0); i--) {
                Write w = writes.get(i);
                writeFully(channel, w.position(), w.before());
                size = w.sizeBefore();
            }
            if (tear) {
                Write w = writes.get(kept);
                int prefix = 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE, w.length() - 1));
                if (prefix < w.before().length) {
                    writeFully(channel, w.position() + prefix,
                            java.util.Arrays.copyOfRange(w.before(), prefix, w.before().length));
                }
                size = Math.max(w.sizeBefore(), w.position() + prefix);
            }
            if (zeros && size < sizeAtCrash) {
                // the new size reached the disk, the data did not (delayed allocation)
                writeFully(channel, size, new byte[(int) (sizeAtCrash - size)]);
            } else {
                channel.truncate(size);
            }
        }
    }

    private void undo(Change change, Set<Change> dropped) throws IOException {
        if (change instanceof Created c) {
            deleteRecursively(translate(c.path(), c.seq(), dropped));
        } else if (change instanceof Deleted d) {
            if (Files.exists(d.trash())) {
                Path target = translate(d.path(), d.seq(), dropped);
                Files.createDirectories(target.getParent());
                Files.move(d.trash(), target);
            }
        } else if (change instanceof Moved m) {
            Path to = translate(m.to(), m.seq(), dropped);
            if (Files.exists(to)) {
                Files.move(to, translate(m.from(), m.seq(), dropped));
            }
            if (m.replacedBackup() != null && Files.exists(m.replacedBackup())) {
                Files.move(m.replacedBackup(), to);
            }
        }
    }

    /** Where {@code path}, named at change {@code since}, is now: followed through the later renames that stay. */
    private Path translate(Path path, long since, Set<Change> dropped) {
        Path p = path;
        for (Moved m : moves) {
            if (m.seq() > since && !dropped.contains(m) && p.startsWith(m.from())) {
                p = m.to().resolve(m.from().relativize(p));
            }
        }
        return p;
    }

    private void rekey(Path from, Path to) {
        Map<Path, FileData> moved = new HashMap<>();
        files.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(from)) {
                moved.put(to.resolve(from.relativize(e.getKey())), e.getValue());
                return true;
            }
            return false;
        });
        files.putAll(moved);
    }

    private Path trashPath(Path path) throws IOException {
        Files.createDirectories(trashDir);
        return trashDir.resolve((++trashCounter) + "-" + path.getFileName());
    }

    private static byte[] readRange(FileChannel channel, long position, long length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.array();
    }

    private static void writeFully(FileChannel channel, long position, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
