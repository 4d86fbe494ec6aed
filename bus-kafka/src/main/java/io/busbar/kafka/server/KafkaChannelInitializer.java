package io.busbar.kafka.server;

import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.codec.ApiVersionTable;
import io.busbar.kafka.codec.KafkaFrameDecoder;
import io.busbar.kafka.codec.KafkaRequestDecoder;
import io.busbar.kafka.codec.KafkaResponseEncoder;
import io.busbar.kafka.handler.ApiHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one Kafka connection: idle timer, frame decoder (frames only), request decoder and response encoder
 * (kafka-clients message classes), then the dispatcher, which runs on a handler executor so the I/O threads only move
 * bytes. Thread-safe.
 */
final class KafkaChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final KafkaListenerConfig config;
    private final Map<ApiKeys, ApiHandler> handlers;
    private final ApiVersionTable versions;
    private final EventExecutorGroup handlerExecutors;
    private final KafkaRequestDecoder requestDecoder;
    private final KafkaResponseEncoder responseEncoder;

    KafkaChannelInitializer(KafkaListenerConfig config, Map<ApiKeys, ApiHandler> handlers, ApiVersionTable versions,
                            EventExecutorGroup handlerExecutors) {
        this.config = config;
        this.handlers = handlers;
        this.versions = versions;
        this.handlerExecutors = handlerExecutors;
        this.requestDecoder = new KafkaRequestDecoder(versions);
        this.responseEncoder = new KafkaResponseEncoder(config.zeroCopy());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS))
                .addLast("frames", new KafkaFrameDecoder(config.maxRequestBytes()))
                .addLast("requests", requestDecoder)
                .addLast("responses", responseEncoder)
                .addLast(handlerExecutors, "dispatcher", new RequestDispatcher(handlers, versions));
    }
}
