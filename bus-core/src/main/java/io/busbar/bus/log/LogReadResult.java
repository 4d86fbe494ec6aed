package io.busbar.bus.log;

import org.apache.kafka.common.record.Records;

/**
 * Whole batches read from a log ({@code records} may be a slice of a segment file, for zero-copy transfer) and the
 * log's offsets at the time of the read.
 */
public record LogReadResult(Records records, long highWatermark, long logStartOffset) {
}
