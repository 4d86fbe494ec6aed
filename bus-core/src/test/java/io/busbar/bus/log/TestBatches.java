package io.busbar.bus.log;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.record.SimpleRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds record batches the way a producer sends them (offsets from 0) and reads them back. */
final class TestBatches {

    private TestBatches() {
    }

    /** One batch of records with the given values, all stamped {@code timestamp}. */
    static MemoryRecords values(long timestamp, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(timestamp, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE, records);
    }

    /** One batch with one keyed record; a null value is a tombstone. */
    static MemoryRecords keyed(long timestamp, String key, String value) {
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE,
                new SimpleRecord(timestamp, key.getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
    }

    /** A batch of {@code count} records of {@code size} bytes each. */
    static MemoryRecords sized(long timestamp, int count, int size) {
        SimpleRecord[] records = new SimpleRecord[count];
        byte[] value = new byte[size];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(timestamp, null, value);
        }
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE, records);
    }

    static List<String> valuesOf(Records records) {
        List<String> out = new ArrayList<>();
        for (Record r : records.records()) {
            out.add(r.hasValue() ? StandardCharsets.UTF_8.decode(r.value()).toString() : null);
        }
        return out;
    }

    static List<Long> offsetsOf(Records records) {
        List<Long> out = new ArrayList<>();
        for (Record r : records.records()) {
            out.add(r.offset());
        }
        return out;
    }

    /** Reads everything from {@code from} to the high watermark, batch by batch. */
    static List<Record> readAll(PartitionLog log, long from) {
        List<Record> out = new ArrayList<>();
        long next = from;
        while (next < log.highWatermark()) {
            LogReadResult result = log.read(next, 64 * 1024, true);
            if (result.records().sizeInBytes() == 0) {
                break;
            }
            for (RecordBatch batch : result.records().batches()) {
                for (Record r : batch) {
                    if (r.offset() >= next) {
                        out.add(r);
                    }
                }
                next = batch.lastOffset() + 1;
            }
        }
        return out;
    }

    static String value(Record r) {
        return r.hasValue() ? StandardCharsets.UTF_8.decode(r.value().duplicate()).toString() : null;
    }
}
