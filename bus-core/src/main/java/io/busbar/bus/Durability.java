package io.busbar.bus;

/**
 * When an appended record counts as durable, and so may be acknowledged and read by consumers.
 * See docs/storage.md ("Durability policies") for the trade-off.
 */
public enum Durability {
    /** fsync before acknowledging; appends arriving together share one fsync (group commit). The default. */
    FSYNC,
    /** fsync every {@code busbar.flush.interval.ms}; acknowledged records younger than the interval can be lost on power loss. */
    INTERVAL,
    /** Never fsync explicitly; the OS writes back pages. Survives a process crash, not a power loss. */
    OS
}
