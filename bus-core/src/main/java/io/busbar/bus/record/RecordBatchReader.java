package io.busbar.bus.record;

import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes batches read from a log into {@link ConsumedRecord}s. Batches are whole, so the first one may begin before
 * the requested offset: records below it are skipped. Stateless and thread-safe.
 */
public final class RecordBatchReader {

    /** What one decode produced: the records and the offset to read next. */
    public record Decoded(List<ConsumedRecord> records, long nextOffset) { }

    private RecordBatchReader() {
    }

    /**
     * Decodes records with offset >= {@code fromOffset}, at most {@code maxRecords}. {@code nextOffset} is the offset
     * after the last returned record, or after the last batch read when the limit was not hit (so gaps left by
     * compaction are stepped over).
     */
    public static Decoded decode(String topic, int partition, Records records, long fromOffset, int maxRecords) {
        List<ConsumedRecord> out = new ArrayList<>();
        long next = fromOffset;
        for (RecordBatch batch : records.batches()) {
            if (batch.lastOffset() < fromOffset) {
                continue;
            }
            if (batch.isControlBatch()) {
                // a transaction marker written by the Kafka listener's coordinator: not a record for applications
                next = Math.max(next, batch.lastOffset() + 1);
                continue;
            }
            for (Record r : batch) {
                if (r.offset() < fromOffset) {
                    continue;
                }
                if (out.size() == maxRecords) {
                    return new Decoded(out, next);
                }
                out.add(new ConsumedRecord(topic, partition, r.offset(), r.timestamp(),
                        bytes(r.key()), bytes(r.value()), headers(r.headers())));
                next = r.offset() + 1;
            }
            next = Math.max(next, batch.lastOffset() + 1);
        }
        return new Decoded(out, next);
    }

    private static List<Header> headers(org.apache.kafka.common.header.Header[] kafkaHeaders) {
        if (kafkaHeaders.length == 0) {
            return List.of();
        }
        List<Header> out = new ArrayList<>(kafkaHeaders.length);
        for (org.apache.kafka.common.header.Header h : kafkaHeaders) {
            out.add(new Header(h.key(), h.value()));
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }
}
