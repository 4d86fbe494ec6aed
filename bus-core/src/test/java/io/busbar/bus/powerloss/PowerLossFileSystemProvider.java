package io.busbar.bus.powerloss;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The JVM's default file system with a power switch, for tests only, in the spirit of SQLite's crash VFS. Installed
 * at JVM start with {@code -Djava.nio.file.spi.DefaultFileSystemProvider=io.busbar.bus.powerloss.PowerLossFileSystemProvider},
 * so every file operation of the storage layer (including kafka-clients' {@code FileRecords}, which opens channels
 * from {@code java.io.File}) passes through it without a seam in production code.
 * <p>
 * Under the root set by {@link #track}, it records what is not yet durable ({@link UnsyncedChanges}); after the
 * armed number of mutating operations it cuts the power: the operation fails, the disk is rewound to a state a
 * real power loss could leave, and every channel opened before fails from then on. Elsewhere it only delegates.
 * <p>
 * A gate orders operations against the power cut: each mutating operation holds the read side, the cut takes the
 * write side, so an fsync that returned before the cut is durable and one that had not started is not.
 */
public final class PowerLossFileSystemProvider extends FileSystemProvider {
    private final FileSystemProvider inner;
    private final PowerLossFileSystem fileSystem;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final AtomicLong opsUntilPowerLoss = new AtomicLong(Long.MAX_VALUE);
    private volatile Path root;
    private volatile UnsyncedChanges changes;
    private volatile long epoch;
    private volatile boolean powerLost;
    private volatile Random random = new Random();

    public PowerLossFileSystemProvider(FileSystemProvider inner) {
        this.inner = inner;
        this.fileSystem = new PowerLossFileSystem(this, inner.getFileSystem(URI.create("file:///")));
    }

    /** The installed provider, or an error naming the JVM option that installs it. */
    public static PowerLossFileSystemProvider installed() {
        if (FileSystems.getDefault().provider() instanceof PowerLossFileSystemProvider p) {
            return p;
        }
        throw new IllegalStateException("Power-loss tests need the JVM option -Djava.nio.file.spi.DefaultFileSystemProvider="
                + PowerLossFileSystemProvider.class.getName());
    }

    /** Tracks everything under {@code dir} from now on (its trash lives beside it). */
    public void track(Path dir, long seed) {
        Path real = PowerLossPath.unwrap(dir.toAbsolutePath().normalize());
        // mixed: the first draws of Randoms with consecutive seeds (the test's runs) are nearly the same
        this.random = new Random(new java.util.SplittableRandom(seed).nextLong());
        this.changes = new UnsyncedChanges(real.resolveSibling(real.getFileName() + ".powerloss-trash"));
        this.root = real;
    }

    /** Cuts the power at the {@code n}th mutating operation under the root from now on (that operation fails). */
    public void armAfter(long n) {
        opsUntilPowerLoss.set(n);
    }

    /** Cuts the power now. */
    public void cutPower() throws IOException {
        gate.writeLock().lock();
        try {
            if (powerLost) {
                return;
            }
            powerLost = true;
            epoch++;
            opsUntilPowerLoss.set(Long.MAX_VALUE);
            changes.losePower(random);
        } finally {
            gate.writeLock().unlock();
        }
    }

    public boolean powerLost() {
        return powerLost;
    }

    /** Power back on: the next process may start (call it once the crashed one's objects are closed or abandoned). */
    public void powerOn() {
        powerLost = false;
    }

    public int unsyncedWrites() {
        return changes.unsyncedWrites();
    }

    UnsyncedChanges changes() {
        return changes;
    }

    void checkAlive(long channelEpoch) throws IOException {
        if (channelEpoch != epoch || powerLost) {
            throw new IOException("simulated power loss: this channel belongs to a crashed process");
        }
    }

    interface IoAction {
        long run() throws IOException;
    }

    /** Runs a mutating operation under the gate, or cuts the power instead when it is the armed one. */
    long mutate(long channelEpoch, IoAction action) throws IOException {
        boolean cut = false;
        gate.readLock().lock();
        try {
            checkAlive(channelEpoch);
            if (opsUntilPowerLoss.decrementAndGet() == 0) {
                cut = true;
            } else {
                return action.run();
            }
        } finally {
            gate.readLock().unlock();
        }
        if (cut) {
            cutPower();
        }
        throw new IOException("simulated power loss");
    }

    private boolean tracked(Path real) {
        Path r = root;
        return r != null && real.toAbsolutePath().normalize().startsWith(r);
    }

    private static Path real(Path p) {
        return PowerLossPath.unwrap(p);
    }

    // ---- FileSystemProvider ----

    @Override
    public String getScheme() {
        return inner.getScheme();
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        throw new java.nio.file.FileSystemAlreadyExistsException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        return fileSystem;
    }

    @Override
    public Path getPath(URI uri) {
        return fileSystem.wrap(inner.getPath(uri));
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path real = real(path);
        Path abs = real.toAbsolutePath().normalize();
        Path r = root;
        // the root's own parents count too: an fsync of the parent makes the root's creation durable
        if (r != null && r.startsWith(abs) && Files.isDirectory(abs)) {
            return new TrackedFileChannel(this, inner.newFileChannel(real, options, attrs), abs, null, epoch, false);
        }
        if (!tracked(real)) {
            return inner.newFileChannel(real, options, attrs);
        }
        if (Files.isDirectory(abs)) {
            return new TrackedFileChannel(this, inner.newFileChannel(real, options, attrs), abs, null, epoch, false);
        }
        long channelEpoch = epoch;
        FileChannel[] opened = new FileChannel[1];
        mutate(channelEpoch, () -> {
            boolean existed = Files.exists(abs);
            UnsyncedChanges.FileData data = changes.data(abs);
            if (existed && options.contains(StandardOpenOption.TRUNCATE_EXISTING)
                    && (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND))) {
                try (FileChannel old = inner.newFileChannel(real, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE))) {
                    changes.beforeTruncate(data, old, 0);
                }
            }
            opened[0] = inner.newFileChannel(real, options, attrs);
            if (!existed) {
                changes.created(abs);
            }
            return 0;
        });
        return new TrackedFileChannel(this, opened[0], abs, changes.data(abs), channelEpoch,
                options.contains(StandardOpenOption.APPEND));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        DirectoryStream<Path> stream = inner.newDirectoryStream(real(dir), p -> filter.accept(fileSystem.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = stream.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return fileSystem.wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Path real = real(dir);
        if (!tracked(real)) {
            inner.createDirectory(real, attrs);
            return;
        }
        mutate(epoch, () -> {
            inner.createDirectory(real, attrs);
            changes.created(real.toAbsolutePath().normalize());
            return 0;
        });
    }

    @Override
    public void delete(Path path) throws IOException {
        if (!deleteTracked(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return deleteTracked(path);
    }

    private boolean deleteTracked(Path path) throws IOException {
        Path real = real(path);
        if (!tracked(real)) {
            return inner.deleteIfExists(real);
        }
        return mutate(epoch, () -> changes.delete(real.toAbsolutePath().normalize()) ? 1 : 0) == 1;
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        Path to = real(target);
        if (tracked(to)) {
            throw new UnsupportedOperationException("copy into a power-loss root is not tracked: " + target);
        }
        inner.copy(real(source), to, options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        Path from = real(source);
        Path to = real(target);
        if (!tracked(from) && !tracked(to)) {
            inner.move(from, to, options);
            return;
        }
        mutate(epoch, () -> {
            changes.move(from.toAbsolutePath().normalize(), to.toAbsolutePath().normalize(), options);
            return 0;
        });
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return inner.isSameFile(real(path), real(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return inner.isHidden(real(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return inner.getFileStore(real(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        inner.checkAccess(real(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return inner.getFileAttributeView(real(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return inner.readAttributes(real(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return inner.readAttributes(real(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        inner.setAttribute(real(path), attribute, value, options);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        inner.createSymbolicLink(real(link), real(target), attrs);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return fileSystem.wrap(inner.readSymbolicLink(real(link)));
    }
}
