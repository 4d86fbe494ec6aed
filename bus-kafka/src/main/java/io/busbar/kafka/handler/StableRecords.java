package io.busbar.kafka.handler;

import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Cuts read batches at the last stable offset for read_committed fetches: whole batches below it only. Stateless. */
final class StableRecords {

    private StableRecords() {
    }

    static Records below(Records records, long lastStableOffset) {
        int bytes = 0;
        for (RecordBatch batch : records.batches()) {
            if (batch.lastOffset() >= lastStableOffset) {
                return cut(records, bytes);
            }
            bytes += batch.sizeInBytes();
        }
        return records;
    }

    private static Records cut(Records records, int bytes) {
        if (bytes == 0) {
            return MemoryRecords.EMPTY;
        }
        if (records instanceof FileRecords file) {
            try {
                return file.slice(0, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot slice " + file.file() + " at the last stable offset", e);
            }
        }
        if (records instanceof MemoryRecords memory) {
            ByteBuffer buffer = memory.buffer().duplicate();
            buffer.limit(buffer.position() + bytes);
            return MemoryRecords.readableRecords(buffer.slice());
        }
        throw new IllegalStateException("Unexpected records type " + records.getClass().getName());
    }
}
