package io.busbar.connectors.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;

/**
 * camel-netty-http's binding, plus one case: a message whose body is an {@link SseStream} becomes an open-ended
 * {@code text/event-stream} response fed by the stream. Every other message is answered exactly as by default.
 * Thread-safe (stateless).
 */
public class SseNettyHttpBinding extends DefaultNettyHttpBinding {

    @Override
    public HttpResponse toNettyResponse(Message message, NettyHttpConfiguration configuration) throws Exception {
        if (!(message.getBody() instanceof SseStream stream)) {
            return super.toNettyResponse(message, configuration);
        }
        Channel channel = stream.channel();
        SseResponse response = new SseResponse(stream);
        stream.start(() -> {
            ChunkedWriteHandler writer = channel.pipeline().get(ChunkedWriteHandler.class);
            if (writer != null) {
                writer.resumeTransfer();
            }
        });
        return response;
    }
}
