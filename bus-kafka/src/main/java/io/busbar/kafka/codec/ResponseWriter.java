package io.busbar.kafka.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A kafka-clients {@link Writable} over Netty buffers. Records held in memory are copied in; records that are a slice
 * of a segment file become a {@link RecordsFileRegion} between two buffers when {@code zeroCopy} is on (the generated
 * Fetch writer has already written their length), else they are read into the buffer. Single use, one thread.
 */
final class ResponseWriter implements Writable {

    private final ByteBufAllocator alloc;
    private final boolean zeroCopy;
    private final List<Object> parts = new ArrayList<>();
    private ByteBuf current;

    ResponseWriter(ByteBufAllocator alloc, int initialCapacity, boolean zeroCopy) {
        this.alloc = alloc;
        this.zeroCopy = zeroCopy;
        this.current = alloc.ioBuffer(initialCapacity);
    }

    /** The buffers and file regions to write, in order. */
    List<Object> finish() {
        if (current.isReadable() || parts.isEmpty()) {
            parts.add(current);
        } else {
            current.release();
        }
        current = null;
        return parts;
    }

    /** Releases everything written so far (when encoding fails half-way). */
    void discard() {
        for (Object p : parts) {
            io.netty.util.ReferenceCountUtil.release(p);
        }
        if (current != null) {
            current.release();
        }
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof MemoryRecords memory) {
            writeByteBuffer(memory.buffer());
        } else if (records instanceof FileRecords file) {
            if (zeroCopy) {
                parts.add(current);
                parts.add(new RecordsFileRegion(file));
                current = alloc.ioBuffer(256);
            } else {
                ByteBuffer copy = ByteBuffer.allocate(file.sizeInBytes());
                try {
                    file.readInto(copy, 0);
                } catch (IOException e) {
                    throw new UncheckedIOException("Reading " + file + " for a fetch response failed", e);
                }
                current.writeBytes(copy);
            }
        } else {
            throw new IllegalArgumentException("Unexpected records type " + records.getClass().getName());
        }
    }

    @Override
    public void writeByte(byte val) {
        current.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        current.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        current.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        current.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        current.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        current.writeBytes(arr);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        current.writeBytes(buf.duplicate());
    }

    @Override
    public void writeUnsignedVarint(int i) {
        int value = i;
        while ((value & 0xffffff80) != 0) {
            current.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        current.writeByte(value);
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long value = (i << 1) ^ (i >> 63);
        while ((value & 0xffffffffffffff80L) != 0L) {
            current.writeByte(((int) value & 0x7f) | 0x80);
            value >>>= 7;
        }
        current.writeByte((int) value);
    }
}
