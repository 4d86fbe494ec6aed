package io.busbar.kafka.codec;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

import java.util.List;

/**
 * Writes a {@link KafkaResponse} as a frame: int32 size, response header (v0 or v1 as the API and version say), body.
 * Fetch records that are file slices go out as file regions (zero-copy) when enabled. Sharable and thread-safe.
 */
@ChannelHandler.Sharable
public final class KafkaResponseEncoder extends ChannelOutboundHandlerAdapter {

    private final boolean zeroCopy;

    public KafkaResponseEncoder(boolean zeroCopy) {
        this.zeroCopy = zeroCopy;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof KafkaResponse response)) {
            ctx.write(msg, promise);
            return;
        }
        List<Object> parts = encode(ctx, response);
        for (int i = 0; i < parts.size() - 1; i++) {
            ctx.write(parts.get(i), ctx.voidPromise());
        }
        ctx.write(parts.get(parts.size() - 1), promise);
    }

    private List<Object> encode(ChannelHandlerContext ctx, KafkaResponse response) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        short headerVersion = response.headerVersion();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(response.correlationId());
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        response.body().addSize(size, cache, response.apiVersion());
        ResponseWriter writer = new ResponseWriter(ctx.alloc(), 4 + size.sizeExcludingZeroCopy(), zeroCopy);
        try {
            writer.writeInt(size.totalSize());
            header.write(writer, cache, headerVersion);
            response.body().write(writer, cache, response.apiVersion());
            return writer.finish();
        } catch (RuntimeException e) {
            writer.discard();
            throw e;
        }
    }
}
