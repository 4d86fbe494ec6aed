package io.busbar.kafka.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.RequestHeader;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns one frame into a {@link KafkaRequest} with kafka-clients' generated message classes.
 *
 * <p>The frame is copied once into a heap buffer of exactly the received size: Produce bodies keep {@code MemoryRecords}
 * slices of it after Netty releases the pooled frame. Unknown API keys and versions outside {@link ApiVersionTable}
 * raise {@link MalformedRequestException} (Kafka closes the connection in both cases), except an ApiVersions request
 * newer than we know, which becomes a request with a null body so it can be answered in v0 format.
 * The generated readers check every declared length against the bytes remaining, so a bad body fails, never allocates.
 *
 * <p>Sharable and thread-safe (no state besides the immutable table).
 */
@io.netty.channel.ChannelHandler.Sharable
public final class KafkaRequestDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final ApiVersionTable versions;

    public KafkaRequestDecoder(ApiVersionTable versions) {
        this.versions = versions;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame));
    }

    /** Decodes one frame (without its size prefix). */
    public KafkaRequest decode(ByteBuf frame) {
        int size = frame.readableBytes();
        if (size < 8) {
            throw new MalformedRequestException("Request frame of " + size + " bytes is too short for a request header");
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        frame.readBytes(buffer);
        buffer.flip();
        short keyId = buffer.getShort(0);
        short version = buffer.getShort(2);
        int correlationId = buffer.getInt(4);
        if (!ApiKeys.hasId(keyId)) {
            throw new MalformedRequestException("Unknown API key " + keyId + " (correlation id " + correlationId + ")");
        }
        ApiKeys key = ApiKeys.forId(keyId);
        if (key == ApiKeys.API_VERSIONS && version > versions.maxVersion(key)) {
            // only the fixed part of the header is readable for sure; the client retries with our max version
            return new KafkaRequest(key, version, correlationId, "", null, size);
        }
        if (!versions.accepts(key, version)) {
            throw new MalformedRequestException(key.name + " v" + version + " is not supported by Busbar (correlation id "
                    + correlationId + "); clients only send versions the ApiVersions reply advertised");
        }
        try {
            RequestHeader header = RequestHeader.parse(buffer);
            ApiMessage body = key.messageType.newRequest();
            body.read(new ByteBufferAccessor(buffer), version);
            return new KafkaRequest(key, version, correlationId, header.clientId(), body, size);
        } catch (RuntimeException e) {
            throw new MalformedRequestException(key.name + " v" + version + " request (correlation id " + correlationId
                    + ", " + size + " bytes) does not parse: " + e.getMessage(), e);
        }
    }
}
