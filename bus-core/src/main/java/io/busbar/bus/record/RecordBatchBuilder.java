package io.busbar.bus.record;

import io.busbar.bus.BusRecord;
import io.busbar.bus.Header;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Builds one Kafka v2 record batch from {@link BusRecord}s. Offsets in the batch start at 0: the log assigns the real
 * ones on append. This package is the only place the producer and consumer touch kafka-clients' record classes.
 *
 * <p>Not thread-safe.
 */
public final class RecordBatchBuilder {
    private static final org.apache.kafka.common.header.Header[] NO_HEADERS = new org.apache.kafka.common.header.Header[0];
    /** Smallest buffer worth allocating: a batch header (61 bytes) and a small record. */
    private static final int MIN_CAPACITY = 256;

    private final MemoryRecordsBuilder builder;
    private final int writeLimit;

    /**
     * @param writeLimit      the batch stops accepting records (see {@link #hasRoomFor}) near this many bytes
     * @param initialCapacity bytes allocated up front: the buffer doubles when a record does not fit, so a guess
     *                        that is too small costs a few copies, one that is too large costs memory per batch
     */
    public RecordBatchBuilder(int writeLimit, int initialCapacity, CompressionType compression) {
        this(writeLimit, ByteBuffer.allocate(Math.max(initialCapacity, MIN_CAPACITY)), compression);
    }

    /**
     * @param buffer where the batch is written from its position on (a buffer recycled from an earlier batch saves
     *               allocating and zeroing a new one); replaced by a larger one if the batch outgrows it
     */
    public RecordBatchBuilder(int writeLimit, ByteBuffer buffer, CompressionType compression) {
        this.writeLimit = writeLimit;
        // writeLimit only bounds hasRoomFor: a single record larger than it still goes in, growing the buffer
        this.builder = new MemoryRecordsBuilder(new DoublingBufferStream(buffer),
                RecordBatch.CURRENT_MAGIC_VALUE, Compression.of(compression).build(), TimestampType.CREATE_TIME, 0L,
                RecordBatch.NO_TIMESTAMP, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, false, false, RecordBatch.NO_PARTITION_LEADER_EPOCH, writeLimit);
    }

    /** Upper bound of the bytes one record takes in a batch of its own (batch header included). */
    public static int sizeUpperBound(BusRecord record) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                wrap(record.key()), wrap(record.value()), kafkaHeaders(record.headers()));
    }

    /** True when the batch is empty or the record fits in the write limit. */
    public boolean hasRoomFor(BusRecord record, long timestamp) {
        return builder.hasRoomFor(timestamp, record.key(), record.value(), kafkaHeaders(record.headers()));
    }

    public void append(BusRecord record, long timestamp) {
        builder.append(timestamp, record.key(), record.value(), kafkaHeaders(record.headers()));
    }

    public int recordCount() {
        return builder.numRecords();
    }

    public int estimatedSizeInBytes() {
        return builder.estimatedSizeInBytes();
    }

    public boolean isFull() {
        return builder.isFull() || builder.estimatedSizeInBytes() >= writeLimit;
    }

    /** Closes the batch; the builder cannot be used afterwards. */
    public MemoryRecords build() {
        return builder.build();
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    static org.apache.kafka.common.header.Header[] kafkaHeaders(List<Header> headers) {
        if (headers.isEmpty()) {
            return NO_HEADERS;
        }
        org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.size()];
        for (int i = 0; i < out.length; i++) {
            Header h = headers.get(i);
            out[i] = new RecordHeader(h.key(), h.value());
        }
        return out;
    }

    /**
     * kafka-clients' buffer stream grows by 10% at a time, which copies a batch dozens of times on its way from a small
     * guess to a full batch; this one at least doubles.
     */
    private static final class DoublingBufferStream extends ByteBufferOutputStream {
        DoublingBufferStream(ByteBuffer buffer) {
            super(buffer);
        }

        @Override
        public void ensureRemaining(int remainingBytesRequired) {
            if (remainingBytesRequired > remaining()) {
                // the stream grows to position + the bytes asked for: ask for enough to double the buffer
                super.ensureRemaining(Math.max(remainingBytesRequired, limit() * 2 - position()));
            }
        }
    }
}
