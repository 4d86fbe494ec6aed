package io.busbar.bus;

/** Where to move a group's offsets: earliest, latest, first record at/after a timestamp, or an explicit offset. */
public sealed interface OffsetSpec {
    record Earliest() implements OffsetSpec { }

    record Latest() implements OffsetSpec { }

    record ForTimestamp(long timestamp) implements OffsetSpec { }

    record Explicit(long offset) implements OffsetSpec { }

    static OffsetSpec earliest() { return new Earliest(); }

    static OffsetSpec latest() { return new Latest(); }

    static OffsetSpec forTimestamp(long ts) { return new ForTimestamp(ts); }

    static OffsetSpec explicit(long offset) { return new Explicit(offset); }
}
