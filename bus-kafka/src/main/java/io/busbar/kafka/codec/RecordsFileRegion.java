package io.busbar.kafka.codec;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.FileRecords;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A slice of a segment file sent with {@code FileChannel.transferTo} (sendfile): the Fetch zero-copy path.
 *
 * <p>Unlike Netty's {@code DefaultFileRegion} it never closes the file channel, which belongs to the log segment.
 * If the segment is deleted by retention during the transfer the write fails and the connection closes; the client
 * fetches again. Used by one channel's event loop only.
 */
final class RecordsFileRegion extends AbstractReferenceCounted implements FileRegion {

    private final FileRecords records;
    private final long count;
    private long transferred;

    RecordsFileRegion(FileRecords records) {
        this.records = records;
        this.count = records.sizeInBytes();
    }

    @Override
    public long position() {
        return 0;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        long remaining = count - position;
        if (remaining <= 0) {
            return 0;
        }
        long written = records.writeTo(new Target(target), (int) position, (int) remaining);
        transferred += written;
        return written;
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }

    @Override
    protected void deallocate() {
        // nothing: the file channel is the segment's
    }

    /** Lets FileRecords.writeTo hand its channel and position to transferTo. */
    private record Target(WritableByteChannel socket) implements TransferableChannel {
        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
            return fileChannel.transferTo(position, count, socket);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += socket.write(srcs[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return socket.write(src);
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() {
            // the socket is Netty's
        }
    }
}
