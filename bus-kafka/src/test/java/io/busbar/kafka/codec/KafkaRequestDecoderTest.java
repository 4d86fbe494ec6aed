package io.busbar.kafka.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaRequestDecoderTest {

    private final KafkaRequestDecoder decoder = new KafkaRequestDecoder(
            new ApiVersionTable(EnumSet.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE)));

    /** A request frame (without size prefix) as kafka-clients serializes it. */
    static ByteBuf clientFrame(ApiKeys key, short version, int correlationId, ApiMessage body) {
        RequestHeader header = new RequestHeader(key, version, "test-client", correlationId);
        ByteBuffer bytes = RequestUtils.serialize(header.data(), header.headerVersion(), body, version);
        return Unpooled.wrappedBuffer(bytes);
    }

    @Test
    void decodesAFlexibleMetadataRequestWrittenByKafkaClients() {
        MetadataRequestData body = new MetadataRequestData().setAllowAutoTopicCreation(false)
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("orders")));
        KafkaRequest request = decoder.decode(clientFrame(ApiKeys.METADATA, (short) 12, 42, body));

        assertThat(request.apiKey()).isEqualTo(ApiKeys.METADATA);
        assertThat(request.apiVersion()).isEqualTo((short) 12);
        assertThat(request.correlationId()).isEqualTo(42);
        assertThat(request.clientId()).isEqualTo("test-client");
        assertThat(request.body()).isEqualTo(body);
    }

    @Test
    void decodesAnOldNonFlexibleMetadataRequestAsLibrdkafkaSendsIt() {
        MetadataRequestData body = new MetadataRequestData().setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t")));
        KafkaRequest request = decoder.decode(clientFrame(ApiKeys.METADATA, (short) 4, 1, body));
        assertThat(((MetadataRequestData) request.body()).topics()).extracting(MetadataRequestData.MetadataRequestTopic::name)
                .containsExactly("t");
    }

    @Test
    void turnsAnApiVersionsRequestNewerThanKnownIntoTheV0FallbackMarker() {
        ByteBuf frame = Unpooled.buffer();
        frame.writeShort(ApiKeys.API_VERSIONS.id).writeShort(99).writeInt(7).writeShort(-1).writeByte(0);
        KafkaRequest request = decoder.decode(frame);
        assertThat(request.isUnsupportedApiVersions()).isTrue();
        assertThat(request.correlationId()).isEqualTo(7);
    }

    @Test
    void rejectsAnUnknownApiKey() {
        ByteBuf frame = Unpooled.buffer();
        frame.writeShort(999).writeShort(0).writeInt(1).writeShort(-1);
        assertThatThrownBy(() -> decoder.decode(frame)).isInstanceOf(MalformedRequestException.class)
                .hasMessageContaining("Unknown API key 999");
    }

    @Test
    void rejectsAVersionOutsideTheTable() {
        ByteBuf frame = clientFrame(ApiKeys.API_VERSIONS, (short) 3, 5, new ApiVersionsRequestData());
        frame.setShort(0, ApiKeys.PRODUCE.id);
        frame.setShort(2, 1); // Produce v1 is message format v1: refused
        assertThatThrownBy(() -> decoder.decode(frame)).isInstanceOf(MalformedRequestException.class)
                .hasMessageContaining("Produce v1 is not supported");
    }

    @Test
    void rejectsAnApiWithoutHandlerEvenIfKafkaKnowsIt() {
        ByteBuf frame = clientFrame(ApiKeys.API_VERSIONS, (short) 3, 5, new ApiVersionsRequestData());
        frame.setShort(0, ApiKeys.DELETE_ACLS.id);
        assertThatThrownBy(() -> decoder.decode(frame)).isInstanceOf(MalformedRequestException.class);
    }

    @Test
    void rejectsATruncatedBodyWithoutAllocatingItsDeclaredSize() {
        MetadataRequestData body = new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("orders")));
        ByteBuf whole = clientFrame(ApiKeys.METADATA, (short) 4, 1, body);
        ByteBuf truncated = whole.slice(0, whole.readableBytes() - 3);
        assertThatThrownBy(() -> decoder.decode(truncated)).isInstanceOf(MalformedRequestException.class)
                .hasMessageContaining("does not parse");

        // an array claiming two billion topics in a 20-byte frame fails on the length check
        ByteBuf forged = Unpooled.buffer();
        forged.writeShort(ApiKeys.METADATA.id).writeShort(4).writeInt(1).writeShort(-1).writeInt(Integer.MAX_VALUE);
        assertThatThrownBy(() -> decoder.decode(forged)).isInstanceOf(MalformedRequestException.class);
    }

    @Test
    void rejectsAFrameTooShortForAHeader() {
        assertThatThrownBy(() -> decoder.decode(Unpooled.wrappedBuffer(new byte[] {0, 3, 0})))
                .isInstanceOf(MalformedRequestException.class).hasMessageContaining("too short");
    }
}
