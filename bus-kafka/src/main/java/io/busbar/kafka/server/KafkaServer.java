package io.busbar.kafka.server;

import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.ListenerBindException;
import io.busbar.kafka.codec.ApiVersionTable;
import io.busbar.kafka.handler.ApiHandler;
import io.busbar.kafka.handler.KafkaApis;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The Netty server: one acceptor thread, I/O threads (NIO, so fetch can use sendfile), and handler executors.
 * Thread-safe; {@link #close()} is idempotent.
 */
public final class KafkaServer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);

    /** The advertised address, once the bound port is known. */
    public record Advertised(String host, int port) { }

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup handlerExecutors;
    private final Channel serverChannel;
    private final Advertised advertised;
    private final KafkaApis apis;
    private final ChannelGroup connections;

    private KafkaServer(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup handlerExecutors,
                        Channel serverChannel, Advertised advertised, KafkaApis apis,
                        ChannelGroup connections) {
        this.boss = boss;
        this.workers = workers;
        this.handlerExecutors = handlerExecutors;
        this.serverChannel = serverChannel;
        this.advertised = advertised;
        this.apis = apis;
        this.connections = connections;
    }

    /** Binds, then builds the handlers (they need the advertised port) and starts accepting. */
    public static KafkaServer start(KafkaListenerConfig config, BiFunction<String, Integer, KafkaApis> apisFactory) {
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("busbar-kafka-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(Math.max(1, Math.min(4, config.handlerThreads())),
                new DefaultThreadFactory("busbar-kafka-io", true));
        EventExecutorGroup executors = new DefaultEventExecutorGroup(config.handlerThreads(),
                new DefaultThreadFactory("busbar-kafka-handler", true));
        ChannelGroup connections = new DefaultChannelGroup(
                GlobalEventExecutor.INSTANCE);
        DeferredInitializer deferred = new DeferredInitializer(connections);
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(deferred)
                    .bind(config.host(), config.port()).sync().channel();
            InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
            Advertised adv = new Advertised(config.advertisedHost() != null ? config.advertisedHost() : config.host(),
                    config.advertisedPort() > 0 ? config.advertisedPort() : bound.getPort());
            KafkaApis apis = apisFactory.apply(adv.host(), adv.port());
            Map<ApiKeys, ApiHandler> handlers = apis.handlers();
            deferred.set(new KafkaChannelInitializer(config, handlers, new ApiVersionTable(handlers.keySet()), executors));
            LOG.info("Kafka listener on {}:{} (advertised {}:{})", bound.getHostString(), bound.getPort(), adv.host(), adv.port());
            return new KafkaServer(boss, workers, executors, channel, adv, apis, connections);
        } catch (Exception e) {
            shutdown(boss, workers, executors);
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new ListenerBindException("Kafka listener cannot bind " + config.host() + ":" + config.port()
                        + " (" + e.getMessage() + "): the port is in use or the address is not local; set "
                        + KafkaListenerConfig.LISTENER + " to a free host:port, or " + KafkaListenerConfig.ENABLED
                        + "=false to run without it", e);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new ListenerBindException("Kafka listener on " + config.host() + ":" + config.port()
                    + " failed to start: " + e + "; check " + KafkaListenerConfig.LISTENER, e);
        }
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public String advertisedHost() {
        return advertised.host();
    }

    public int advertisedPort() {
        return advertised.port();
    }

    public void close() {
        serverChannel.close().syncUninterruptibly();
        // connections first, while the handler executors still run their close events
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdown(boss, workers, handlerExecutors);
        apis.close();
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup executors) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        executors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Accepted connections are initialised once the handlers exist (they need the bound port to advertise);
     * until then auto-read is off, so nothing is read early.
     */
    private static final class DeferredInitializer extends ChannelInitializer<SocketChannel> {
        private final ChannelGroup connections;
        private volatile KafkaChannelInitializer delegate;

        DeferredInitializer(ChannelGroup connections) {
            this.connections = connections;
        }

        void set(KafkaChannelInitializer d) {
            delegate = d;
        }

        @Override
        protected void initChannel(SocketChannel ch) throws Exception {
            KafkaChannelInitializer d = delegate;
            if (d == null) {
                ch.close();
                return;
            }
            connections.add(ch);
            ch.pipeline().addLast(d);
            ch.config().setAutoRead(true);
        }
    }
}
