package io.busbar.bus.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Key → latest offset for one compaction pass, in a fixed amount of memory (Kafka's dedupe buffer): each entry is the
 * key's 128-bit MD5 digest and an offset, 24 bytes, in open-addressed arrays, so the heap it needs is known before the
 * pass starts, whatever the keys' sizes. When it is full the pass stops there and cleans what the map covers; the
 * next pass starts from that offset. Two keys with the same 128-bit digest are, in practice, impossible.
 * Not thread-safe.
 */
final class KeyOffsetMap {
    /** Bytes per slot: two longs of digest, one of offset. */
    static final int ENTRY_BYTES = 24;
    /** Slots kept free so probes stay short (Kafka's log.cleaner.io.buffer.load.factor is 0.9 too). */
    private static final double LOAD_FACTOR = 0.9;

    private final long[] digestHigh;
    private final long[] digestLow;
    private final long[] offsets;
    private final int maxEntries;
    private final MessageDigest md5;
    private int size;

    /** A map of at most {@code bufferBytes} (rounded down to whole entries), sized for at most {@code expectedKeys}. */
    KeyOffsetMap(long bufferBytes, long expectedKeys) {
        long slotsByMemory = bufferBytes / ENTRY_BYTES;
        long slotsNeeded = (long) Math.ceil(Math.max(1, expectedKeys) / LOAD_FACTOR) + 1;
        int slots = (int) Math.max(2, Math.min(Math.min(slotsByMemory, slotsNeeded), Integer.MAX_VALUE - 8));
        this.digestHigh = new long[slots];
        this.digestLow = new long[slots];
        this.offsets = new long[slots];
        java.util.Arrays.fill(offsets, -1);
        this.maxEntries = Math.max(1, (int) (slots * LOAD_FACTOR));
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    /** Records {@code offset} as the latest of {@code key}; false (nothing recorded) when the map is full. */
    boolean put(ByteBuffer key, long offset) {
        digest(key);
        int slot = find();
        if (offsets[slot] < 0) {
            if (size >= maxEntries) {
                return false;
            }
            size++;
            digestHigh[slot] = high;
            digestLow[slot] = low;
        }
        offsets[slot] = offset;
        return true;
    }

    /** The latest offset recorded for {@code key}, or -1. */
    long get(ByteBuffer key) {
        digest(key);
        return offsets[find()];
    }

    /** Whether {@code more} new keys would still fit. */
    boolean hasRoomFor(long more) {
        return size + more <= maxEntries;
    }

    int size() {
        return size;
    }

    int capacity() {
        return maxEntries;
    }

    private long high;
    private long low;

    private void digest(ByteBuffer key) {
        md5.update(key.duplicate());
        byte[] d = md5.digest();
        ByteBuffer b = ByteBuffer.wrap(d);
        high = b.getLong();
        low = b.getLong();
    }

    /** The slot holding the current digest, or the empty slot where it would go (linear probing). */
    private int find() {
        int slots = offsets.length;
        int slot = (int) Math.floorMod(high ^ (high >>> 32), (long) slots);
        while (offsets[slot] >= 0 && (digestHigh[slot] != high || digestLow[slot] != low)) {
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
        return slot;
    }
}
