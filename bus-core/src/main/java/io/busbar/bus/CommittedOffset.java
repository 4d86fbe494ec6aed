package io.busbar.bus;

/**
 * A group's committed position in a partition: the offset of the next record to process (as in Kafka),
 * with an optional metadata string.
 */
public record CommittedOffset(long offset, String metadata) {
    public CommittedOffset(long offset) {
        this(offset, "");
    }
}
