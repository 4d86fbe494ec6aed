package io.busbar.bus;

/** Kafka's {@code auto.offset.reset}: where a consumer starts when its group has no committed offset. */
public enum OffsetResetPolicy {
    EARLIEST, LATEST, NONE
}
