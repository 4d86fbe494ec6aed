package io.busbar.bus.group;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The layout of committed offsets in {@code __consumer_offsets}. The key identifies what compaction keeps one
 * record of; a null value (tombstone) deletes it.
 *
 * <pre>
 * key   = version:int16 (0) | group:string | topic:string | partition:int32
 * value = version:int16 (0) | offset:int64 | metadata:string | commitTimestamp:int64
 * string = length:int16 | UTF-8 bytes
 * </pre>
 * Stateless and thread-safe.
 */
final class OffsetRecordCodec {
    private static final short KEY_VERSION = 0;
    private static final short VALUE_VERSION = 0;

    record Key(String groupId, TopicPartition partition) {
    }

    record Value(CommittedOffset offset, long commitTimestamp) {
    }

    private OffsetRecordCodec() {
    }

    static byte[] encodeKey(String groupId, TopicPartition partition) {
        byte[] g = groupId.getBytes(StandardCharsets.UTF_8);
        byte[] t = partition.topic().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + g.length + 2 + t.length + 4);
        b.putShort(KEY_VERSION);
        putString(b, g);
        putString(b, t);
        b.putInt(partition.partition());
        return b.array();
    }

    static byte[] encodeValue(CommittedOffset offset, long commitTimestamp) {
        byte[] m = (offset.metadata() == null ? "" : offset.metadata()).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + 2 + m.length + 8);
        b.putShort(VALUE_VERSION);
        b.putLong(offset.offset());
        putString(b, m);
        b.putLong(commitTimestamp);
        return b.array();
    }

    /** @throws IllegalStateException for a version this code does not know (written by a newer Busbar) */
    static Key decodeKey(ByteBuffer key) {
        ByteBuffer b = key.duplicate();
        requireVersion(b.getShort(), KEY_VERSION, "key");
        String group = getString(b);
        String topic = getString(b);
        return new Key(group, new TopicPartition(topic, b.getInt()));
    }

    static Value decodeValue(ByteBuffer value) {
        ByteBuffer b = value.duplicate();
        requireVersion(b.getShort(), VALUE_VERSION, "value");
        long offset = b.getLong();
        String metadata = getString(b);
        return new Value(new CommittedOffset(offset, metadata), b.getLong());
    }

    private static void requireVersion(short found, short known, String what) {
        if (found != known) {
            throw new IllegalStateException("__consumer_offsets " + what + " version " + found
                    + " is unknown (this Busbar reads version " + known + "): open the data directory with the Busbar that wrote it");
        }
    }

    private static void putString(ByteBuffer b, byte[] s) {
        b.putShort((short) s.length);
        b.put(s);
    }

    private static String getString(ByteBuffer b) {
        byte[] s = new byte[b.getShort() & 0xFFFF];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
