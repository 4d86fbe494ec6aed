package io.busbar.bus.log;

import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Checks the batches of an append before any byte is written: magic 2, CRC, size against
 * {@code max.message.bytes}, record count matching the offset range, no trailing bytes. Runs outside the log's
 * append lock (the CRC check reads every byte). Stateless and thread-safe.
 */
final class BatchValidator {

    /** What an append holds, gathered while validating. */
    record ValidatedBatches(int batchCount, int recordCount, long offsetSpan, long maxTimestamp, int sizeInBytes) {
    }

    private BatchValidator() {
    }

    static ValidatedBatches validate(TopicPartition partition, MemoryRecords records, int maxMessageBytes) {
        int batches = 0;
        int recordCount = 0;
        long span = 0;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int bytes = 0;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new CorruptRecordException("Record batch " + (batches + 1) + " for " + partition + " has magic "
                        + batch.magic() + ": only record batch v2 (magic 2) is accepted; upgrade the producer");
            }
            if (batch.sizeInBytes() > maxMessageBytes) {
                throw new RecordTooLargeException("Record batch of " + batch.sizeInBytes() + " bytes for " + partition
                        + " is larger than max.message.bytes = " + maxMessageBytes
                        + ": send smaller batches (producer batch.size) or raise the topic's max.message.bytes");
            }
            if (!batch.isValid()) {
                throw new CorruptRecordException("Record batch " + (batches + 1) + " for " + partition + " fails its"
                        + " CRC check (stored " + Long.toHexString(batch.checksum()) + "): it was corrupted in transit"
                        + " or by the producer; send it again");
            }
            long delta = batch.lastOffset() - batch.baseOffset();
            Integer count = batch.countOrNull();
            if (count == null || delta < 0 || count != delta + 1) {
                throw new CorruptRecordException("Record batch " + (batches + 1) + " for " + partition + " holds "
                        + count + " records but spans offsets " + batch.baseOffset() + ".." + batch.lastOffset()
                        + ": a producer batch must number its records 0..n-1");
            }
            batches++;
            recordCount += count;
            span += delta + 1;
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            bytes += batch.sizeInBytes();
        }
        if (batches == 0) {
            throw new CorruptRecordException("Append to " + partition + " holds no complete record batch ("
                    + records.sizeInBytes() + " bytes): send at least one v2 record batch");
        }
        if (bytes != records.sizeInBytes()) {
            throw new CorruptRecordException("Append to " + partition + " has " + (records.sizeInBytes() - bytes)
                    + " bytes after its last complete record batch: the batch is truncated or malformed");
        }
        return new ValidatedBatches(batches, recordCount, span, maxTimestamp, bytes);
    }
}
