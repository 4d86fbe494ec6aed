package io.busbar.bus.powerloss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A file channel under the power-loss root: every write and truncation first records what it replaces, every
 * fsync marks what became durable. A channel opened before a simulated power loss fails every call afterwards, as
 * the process that held it would be gone.
 */
final class TrackedFileChannel extends FileChannel {
    private final PowerLossFileSystemProvider provider;
    private final FileChannel inner;
    private final Path path;
    /** Null for a directory, whose fsync makes its entries durable instead. */
    private final UnsyncedChanges.FileData data;
    private final long epoch;
    private final boolean append;

    TrackedFileChannel(PowerLossFileSystemProvider provider, FileChannel inner, Path path, UnsyncedChanges.FileData data,
                       long epoch, boolean append) {
        this.provider = provider;
        this.inner = inner;
        this.path = path;
        this.data = data;
        this.epoch = epoch;
        this.append = append;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        provider.checkAlive(epoch);
        return inner.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        provider.checkAlive(epoch);
        return inner.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        provider.checkAlive(epoch);
        return inner.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) provider.mutate(epoch, () -> {
            provider.changes().beforeWrite(requireFile(), inner, append ? inner.size() : inner.position(), src.remaining());
            return inner.write(src);
        });
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return provider.mutate(epoch, () -> {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += srcs[i].remaining();
            }
            provider.changes().beforeWrite(requireFile(), inner, append ? inner.size() : inner.position(), total);
            return inner.write(srcs, offset, length);
        });
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return (int) provider.mutate(epoch, () -> {
            provider.changes().beforeWrite(requireFile(), inner, position, src.remaining());
            return inner.write(src, position);
        });
    }

    @Override
    public long position() throws IOException {
        provider.checkAlive(epoch);
        return inner.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        provider.checkAlive(epoch);
        inner.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        provider.checkAlive(epoch);
        return inner.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        provider.mutate(epoch, () -> {
            provider.changes().beforeTruncate(requireFile(), inner, size);
            inner.truncate(size);
            return 0;
        });
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        provider.mutate(epoch, () -> {
            long mark = provider.changes().nextSeq();
            inner.force(metaData);
            if (data != null) {
                provider.changes().fileSynced(data, mark);
            } else {
                provider.changes().dirSynced(path, mark);
            }
            return 0;
        });
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        provider.checkAlive(epoch);
        return inner.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return provider.mutate(epoch, () -> {
            provider.changes().beforeWrite(requireFile(), inner, position, count);
            return inner.transferFrom(src, position, count);
        });
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (mode != MapMode.READ_ONLY) {
            throw new UnsupportedOperationException("writes through a mapping cannot be tracked for power-loss tests");
        }
        return inner.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return inner.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return inner.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        inner.close();
    }

    private UnsyncedChanges.FileData requireFile() {
        if (data == null) {
            throw new UnsupportedOperationException("not a file: " + path);
        }
        return data;
    }
}
