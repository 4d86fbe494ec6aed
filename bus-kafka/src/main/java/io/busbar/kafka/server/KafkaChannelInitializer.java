package io.busbar.kafka.server;

import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.codec.ApiVersionTable;
import io.busbar.kafka.codec.KafkaFrameDecoder;
import io.busbar.kafka.codec.KafkaRequest;
import io.busbar.kafka.codec.KafkaRequestDecoder;
import io.busbar.kafka.codec.KafkaResponseEncoder;
import io.busbar.kafka.handler.ApiHandler;
import io.busbar.kafka.security.ListenerSecurity;
import io.busbar.kafka.security.ListenerSpec;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one Kafka connection: TLS (SSL and SASL_SSL listeners), idle timer, frame decoder (frames only),
 * request decoder, the queued-bytes charge, response encoder (kafka-clients message classes), then the dispatcher,
 * which runs produce and fetch on the I/O thread and hands every other request to a handler executor. One instance per listener; thread-safe.
 */
final class KafkaChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final KafkaListenerConfig config;
    private final ListenerSpec listener;
    private final SslContext tls;
    private final Map<ApiKeys, ApiHandler> handlers;
    private final ApiVersionTable versions;
    private final EventExecutorGroup handlerExecutors;
    private final KafkaRequestDecoder requestDecoder;
    private final KafkaResponseEncoder responseEncoder;
    private final ListenerSecurity security;
    private final QueuedRequestBytes queued;
    private final AdvertisedEndpoint endpoint;
    private final ChannelHandler charge;

    KafkaChannelInitializer(KafkaListenerConfig config, ListenerSpec listener, SslContext tls,
                            Map<ApiKeys, ApiHandler> handlers, ApiVersionTable versions, EventExecutorGroup handlerExecutors,
                            ListenerSecurity security, QueuedRequestBytes queued, AdvertisedEndpoint endpoint) {
        this.config = config;
        this.listener = listener;
        this.tls = tls;
        this.handlers = handlers;
        this.versions = versions;
        this.handlerExecutors = handlerExecutors;
        this.requestDecoder = new KafkaRequestDecoder(versions);
        // sendfile cannot go through TLS: encrypted listeners copy fetched bytes
        this.responseEncoder = new KafkaResponseEncoder(config.zeroCopy() && tls == null);
        this.security = security;
        this.queued = queued;
        this.endpoint = endpoint;
        this.charge = new Charge(queued);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS))
                .addLast("frames", new KafkaFrameDecoder(config.maxRequestBytes()))
                .addLast("requests", requestDecoder)
                .addLast("queued-bytes", charge)
                .addLast("responses", responseEncoder)
                .addLast("dispatcher", new RequestDispatcher(handlers, versions, listener, security, queued, endpoint,
                        handlerExecutors.next()));
    }

    /** Charges each decoded request to the broker-wide budget on the I/O thread, before more is read. */
    @ChannelHandler.Sharable
    private static final class Charge extends ChannelInboundHandlerAdapter {
        private final QueuedRequestBytes queued;

        Charge(QueuedRequestBytes queued) {
            this.queued = queued;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof KafkaRequest r) {
                queued.charge(ctx.channel(), r.sizeInBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }
}
