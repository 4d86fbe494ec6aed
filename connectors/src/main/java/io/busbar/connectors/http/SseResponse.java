package io.busbar.connectors.http;

import java.io.ByteArrayInputStream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.component.netty.http.OutboundStreamHttpResponse;

/**
 * The response of an SSE stream: camel-netty-http writes the head, then its chunked writer pulls events from the
 * {@link SseStream} without ever blocking the event loop ({@code readChunk} returns null while none is ready and
 * the stream resumes the writer when one arrives). Subclasses camel-netty-http's streaming response so its
 * pipeline writes it as it writes any streamed body. Thread-safe as {@link SseStream} is.
 */
final class SseResponse extends OutboundStreamHttpResponse {

    private final SseStream stream;

    SseResponse(SseStream stream) {
        super(new ByteArrayInputStream(new byte[0]),
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, true));
        this.stream = stream;
        headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }

    @Override
    public boolean isEndOfInput() {
        return stream.finished();
    }

    @Override
    public void close() {
        stream.stop();
    }

    @Override
    @Deprecated
    public HttpContent readChunk(ChannelHandlerContext ctx) {
        return stream.nextChunk(ctx.alloc());
    }

    @Override
    public HttpContent readChunk(ByteBufAllocator allocator) {
        return stream.nextChunk(allocator);
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return 0;
    }
}
