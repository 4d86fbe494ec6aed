package io.busbar.bus.log;

import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.Crc32C;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells a torn tail from corruption in the middle of a log: looks for any valid v2 batch (plausible header, magic 2,
 * matching CRC-32C) starting at any byte position after the damage, and whether the damage is a page of zeros. A valid
 * batch after the damage means acknowledged data was damaged, unless the damage lies past the last flush and has the
 * shape a power loss gives it (see LogLoader). Runs only when recovery already found damage. Stateless and thread-safe.
 */
final class CorruptionProbe {
    private static final int CHUNK = 8 << 20;
    private static final int LENGTH_OFFSET = 8;
    private static final int MAGIC_OFFSET = 16;
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int LOG_OVERHEAD = 12;
    private static final long PAGE = 4096;

    private CorruptionProbe() {
    }

    /** Whether the bytes from {@code from} to the end of its 4 KiB page (or of the file) are all zeros. */
    static boolean zeroPageAt(Path file, long from) throws IOException {
        return zerosBetween(file, from, (from / PAGE + 1) * PAGE);
    }

    /** Whether the bytes from {@code from} to the end of the file are all zeros (what preallocation leaves). */
    static boolean zerosToEnd(Path file, long from) throws IOException {
        return zerosBetween(file, from, Long.MAX_VALUE);
    }

    /** Whether the bytes from {@code from} to {@code to} (or the end of the file) are all zeros; false when none. */
    private static boolean zerosBetween(Path file, long from, long to) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = Math.min(channel.size(), to);
            if (end <= from) {
                return false;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, end - from));
            for (long at = from; at < end; ) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), end - at));
                int read = channel.read(buffer, at);
                if (read < 0) {
                    break;
                }
                for (int i = 0; i < read; i++) {
                    if (buffer.get(i) != 0) {
                        return false;
                    }
                }
                at += read;
            }
            return true;
        }
    }

    /** Whether a valid batch with offsets at or above {@code minOffset} starts at or after byte {@code from}. */
    static boolean validBatchAfter(Path file, long from, long minOffset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long chunkStart = from;
            while (chunkStart + DefaultRecordBatch.RECORD_BATCH_OVERHEAD <= size) {
                // each chunk overlaps the next by a batch header, so a header is never split unseen
                int length = (int) Math.min(CHUNK, size - chunkStart);
                ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
                while (buffer.hasRemaining() && channel.read(buffer, chunkStart + buffer.position()) >= 0) {
                    // read fully
                }
                buffer.flip();
                int last = length - DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
                for (int p = 0; p <= last; p++) {
                    if (buffer.get(p + MAGIC_OFFSET) == RecordBatch.MAGIC_VALUE_V2
                            && isValidBatchAt(channel, buffer, p, chunkStart + p, size, minOffset)) {
                        return true;
                    }
                }
                chunkStart += last + 1;
            }
            return false;
        }
    }

    private static boolean isValidBatchAt(FileChannel channel, ByteBuffer chunk, int p, long filePosition, long fileSize,
                                          long minOffset) throws IOException {
        long baseOffset = chunk.getLong(p);
        int batchLength = chunk.getInt(p + LENGTH_OFFSET);
        if (baseOffset < minOffset || batchLength < DefaultRecordBatch.RECORD_BATCH_OVERHEAD - LOG_OVERHEAD
                || filePosition + LOG_OVERHEAD + batchLength > fileSize) {
            return false;
        }
        long storedCrc = chunk.getInt(p + CRC_OFFSET) & 0xFFFFFFFFL;
        int crcLength = batchLength + LOG_OVERHEAD - ATTRIBUTES_OFFSET;
        ByteBuffer body;
        int bodyStart;
        if (p + ATTRIBUTES_OFFSET + crcLength <= chunk.limit()) {
            body = chunk;
            bodyStart = p + ATTRIBUTES_OFFSET;
        } else {
            body = ByteBuffer.allocate(crcLength);
            while (body.hasRemaining() && channel.read(body, filePosition + ATTRIBUTES_OFFSET + body.position()) >= 0) {
                // read fully
            }
            body.flip();
            bodyStart = 0;
        }
        return Crc32C.compute(body, bodyStart, crcLength) == storedCrc;
    }
}
