package io.busbar.bus.powerloss;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** The default file system as seen through {@link PowerLossFileSystemProvider}: the platform's, with wrapped paths. */
final class PowerLossFileSystem extends FileSystem {
    private final PowerLossFileSystemProvider provider;
    private final FileSystem inner;

    PowerLossFileSystem(PowerLossFileSystemProvider provider, FileSystem inner) {
        this.provider = provider;
        this.inner = inner;
    }

    Path wrap(Path p) {
        return p == null || p instanceof PowerLossPath ? p : new PowerLossPath(this, p);
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("the default file system cannot be closed");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return inner.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return StreamSupport.stream(inner.getRootDirectories().spliterator(), false).map(this::wrap)
                .collect(Collectors.toList());
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return inner.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return inner.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(inner.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher matcher = inner.getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(PowerLossPath.unwrap(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return inner.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException {
        return inner.newWatchService();
    }
}
