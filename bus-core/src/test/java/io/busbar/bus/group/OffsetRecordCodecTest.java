package io.busbar.bus.group;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetRecordCodecTest {

    @Test
    void keyAndValueRoundTripWithUnicodeAndEmptyMetadata() {
        TopicPartition tp = new TopicPartition("commandes-été", 7);
        byte[] key = OffsetRecordCodec.encodeKey("groupe-Ω", tp);
        assertThat(OffsetRecordCodec.decodeKey(ByteBuffer.wrap(key))).isEqualTo(new OffsetRecordCodec.Key("groupe-Ω", tp));

        byte[] value = OffsetRecordCodec.encodeValue(new CommittedOffset(123_456_789_012L, "batch=42"), 1_700_000_000_000L);
        assertThat(OffsetRecordCodec.decodeValue(ByteBuffer.wrap(value)))
                .isEqualTo(new OffsetRecordCodec.Value(new CommittedOffset(123_456_789_012L, "batch=42"), 1_700_000_000_000L));
        assertThat(OffsetRecordCodec.decodeValue(ByteBuffer.wrap(OffsetRecordCodec.encodeValue(new CommittedOffset(5), 1))).offset())
                .isEqualTo(new CommittedOffset(5, ""));
    }

    @Test
    void keysOfDifferentPartitionsDifferSoCompactionKeepsOnePerPartition() {
        assertThat(OffsetRecordCodec.encodeKey("g", new TopicPartition("t", 0)))
                .isNotEqualTo(OffsetRecordCodec.encodeKey("g", new TopicPartition("t", 1)))
                .isEqualTo(OffsetRecordCodec.encodeKey("g", new TopicPartition("t", 0)));
    }

    @Test
    void unknownVersionIsRefusedWithAMessageNamingTheFix() {
        byte[] key = OffsetRecordCodec.encodeKey("g", new TopicPartition("t", 0));
        key[1] = 9;
        assertThatThrownBy(() -> OffsetRecordCodec.decodeKey(ByteBuffer.wrap(key)))
                .hasMessageContaining("version 9").hasMessageContaining("open the data directory with the Busbar that wrote it");
    }
}
