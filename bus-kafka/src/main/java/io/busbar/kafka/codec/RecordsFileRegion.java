package io.busbar.kafka.codec;

import io.netty.channel.DefaultFileRegion;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.FileRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A slice of a segment file sent with sendfile: the Fetch zero-copy path.
 *
 * <p>A {@link DefaultFileRegion} because that is the type Netty's transports send natively: NIO through
 * {@code FileChannel.transferTo} to the socket channel, epoll through its own {@code sendfile} call on the file
 * channel's descriptor (any other {@code FileRegion} the epoll transport copies through an 8 KiB buffer). Unlike its
 * parent it never closes the file channel, which belongs to the log segment. Segments removed by retention or
 * compaction are closed only after a delay (DelayedSegmentDeletion), so a transfer in flight finds the file open; if a
 * file is closed anyway (topic deleted, bus closed) the write fails and the connection closes, and the client fetches
 * again. Used by one channel's event loop only.
 */
final class RecordsFileRegion extends DefaultFileRegion {

    private RecordsFileRegion(FileChannel file, long position, long count) {
        super(file, position, count);
    }

    /** The region of {@code records}, a slice of a segment file (FileRecords does not expose where it starts). */
    static RecordsFileRegion of(FileRecords records) {
        SliceBounds bounds = new SliceBounds();
        try {
            // FileRecords.writeTo checks the slice still fits the file and hands over its channel, start and size
            records.writeTo(bounds, 0, records.sizeInBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + records + " for a fetch response failed", e);
        }
        return new RecordsFileRegion(bounds.channel, bounds.position, bounds.count);
    }

    @Override
    protected void deallocate() {
        // nothing: the file channel is the segment's
    }

    /** Receives FileRecords' channel, absolute position and byte count instead of transferring anything. */
    private static final class SliceBounds implements TransferableChannel {
        FileChannel channel;
        long position;
        long count;

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) {
            this.channel = fileChannel;
            this.position = position;
            this.count = count;
            return count;
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException("FileRecords only transfers");
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            throw new UnsupportedOperationException("FileRecords only transfers");
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException("FileRecords only transfers");
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
