package io.busbar.bus.powerloss;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;

/**
 * A path of {@link PowerLossFileSystem}: the platform's path inside, so that every {@code Files} call on it reaches
 * {@link PowerLossFileSystemProvider}. Pure delegation; nothing here changes the disk.
 */
final class PowerLossPath implements Path {
    private final PowerLossFileSystem fs;
    final Path inner;

    PowerLossPath(PowerLossFileSystem fs, Path inner) {
        this.fs = fs;
        this.inner = Objects.requireNonNull(inner);
    }

    private Path wrap(Path p) {
        return fs.wrap(p);
    }

    static Path unwrap(Path p) {
        return p instanceof PowerLossPath w ? w.inner : p;
    }

    @Override
    public FileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return inner.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(inner.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(inner.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(inner.getParent());
    }

    @Override
    public int getNameCount() {
        return inner.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(inner.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(inner.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return inner.startsWith(unwrap(other));
    }

    @Override
    public boolean endsWith(Path other) {
        return inner.endsWith(unwrap(other));
    }

    @Override
    public Path normalize() {
        return wrap(inner.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(inner.resolve(unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(inner.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return inner.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(inner.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(inner.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        return inner.register(watcher, events, modifiers);
    }

    @Override
    public int compareTo(Path other) {
        return inner.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PowerLossPath p && inner.equals(p.inner);
    }

    @Override
    public int hashCode() {
        return inner.hashCode();
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
