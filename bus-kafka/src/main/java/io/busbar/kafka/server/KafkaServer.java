package io.busbar.kafka.server;

import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.ListenerBindException;
import io.busbar.kafka.codec.ApiVersionTable;
import io.busbar.kafka.handler.ApiHandler;
import io.busbar.kafka.handler.KafkaApis;
import io.busbar.kafka.security.InsecureListenerCheck;
import io.busbar.kafka.security.ListenerSecurity;
import io.busbar.kafka.security.ListenerSpec;
import io.busbar.kafka.security.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The Netty server: one acceptor thread, I/O threads (NIO, so fetch can use sendfile), and handler executors, shared
 * by every named listener. Connections accepted before the handlers exist wait (nothing is read) and are served as
 * soon as the server is ready: a client connecting the instant the port opens is served, never dropped.
 * Thread-safe; {@link #close()} is idempotent.
 */
public final class KafkaServer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);

    /** The advertised address, once the bound port is known. */
    public record Advertised(String host, int port) { }

    /** One bound listener. */
    public record Bound(ListenerSpec spec, Channel channel, Advertised advertised) {
        public InetSocketAddress address() {
            return (InetSocketAddress) channel.localAddress();
        }
    }

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup handlerExecutors;
    private final Map<String, Bound> listeners;
    private final KafkaApis apis;
    private final ChannelGroup connections;
    private final ConnectionLimiter limiter;
    private final QueuedRequestBytes queued;

    private KafkaServer(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup handlerExecutors,
                        Map<String, Bound> listeners, KafkaApis apis, ChannelGroup connections, ConnectionLimiter limiter,
                        QueuedRequestBytes queued) {
        this.limiter = limiter;
        this.queued = queued;
        this.boss = boss;
        this.workers = workers;
        this.handlerExecutors = handlerExecutors;
        this.listeners = listeners;
        this.apis = apis;
        this.connections = connections;
    }

    /** Single-listener form kept for callers without security (tests, the benchmark). */
    public static KafkaServer start(KafkaListenerConfig config, BiFunction<String, Integer, KafkaApis> apisFactory) {
        return start(config, null, (host, port) -> apisFactory.apply(host, port));
    }

    /**
     * Checks the listeners are not open doors, binds each, then builds the handlers (they need the first listener's
     * advertised port) and serves every connection accepted so far.
     *
     * @param security null: no authentication or ACLs (the state dir is the handlers' own)
     */
    public static KafkaServer start(KafkaListenerConfig config, ListenerSecurity security,
                                    BiFunction<String, Integer, KafkaApis> apisFactory) {
        List<ListenerSpec> specs = config.listenerSpecs();
        InsecureListenerCheck.check(specs, config.security());
        SslContext tls = specs.stream().anyMatch(ListenerSpec::usesTls) ? TlsContexts.server(config.security().tls()) : null;
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("busbar-kafka-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(Math.max(1, Math.min(4, config.handlerThreads())),
                new DefaultThreadFactory("busbar-kafka-io", true));
        EventExecutorGroup executors = new DefaultEventExecutorGroup(config.handlerThreads(),
                new DefaultThreadFactory("busbar-kafka-handler", true));
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ConnectionLimiter limiter = new ConnectionLimiter(config.maxConnections(), config.maxConnectionsPerIp());
        QueuedRequestBytes queued = new QueuedRequestBytes(config.queuedMaxRequestBytes());
        Map<String, Bound> bound = new LinkedHashMap<>();
        Map<String, DeferredInitializer> deferred = new LinkedHashMap<>();
        ListenerSpec current = null;
        try {
            for (ListenerSpec spec : specs) {
                current = spec;
                DeferredInitializer d = new DeferredInitializer(connections, limiter, spec.name());
                Channel channel = new ServerBootstrap()
                        .group(boss, workers)
                        .channel(NioServerSocketChannel.class)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childHandler(d)
                        .bind(spec.host(), spec.port()).sync().channel();
                InetSocketAddress a = (InetSocketAddress) channel.localAddress();
                Advertised adv = new Advertised(spec.advertisedHost() != null ? spec.advertisedHost() : spec.host(),
                        spec.advertisedPort() > 0 ? spec.advertisedPort() : a.getPort());
                bound.put(spec.name(), new Bound(spec, channel, adv));
                deferred.put(spec.name(), d);
            }
            Advertised primary = bound.values().iterator().next().advertised();
            KafkaApis apis = apisFactory.apply(primary.host(), primary.port());
            ListenerSecurity sec = security != null ? security : apis.security();
            Map<ApiKeys, ApiHandler> handlers = apis.handlers();
            ApiVersionTable versions = new ApiVersionTable(handlers.keySet());
            for (Bound b : bound.values()) {
                SslContext ctx = b.spec().usesTls() ? tls : null;
                deferred.get(b.spec().name()).set(new KafkaChannelInitializer(config, b.spec(), ctx, handlers, versions,
                        executors, sec, queued, new AdvertisedEndpoint(b.advertised().host(), b.advertised().port())));
                LOG.info("Kafka listener {} ({}) on {}:{} (advertised {}:{})", b.spec().name(), b.spec().protocol().name,
                        b.address().getHostString(), b.address().getPort(), b.advertised().host(), b.advertised().port());
            }
            if (sec.requests().enforced()) {
                LOG.info("Kafka ACLs enforced (deny by default); super users: {}", sec.config().superUsers());
            }
            return new KafkaServer(boss, workers, executors, bound, apis, connections, limiter, queued);
        } catch (Exception e) {
            bound.values().forEach(b -> b.channel().close().syncUninterruptibly());
            connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            shutdown(boss, workers, executors);
            String where = current == null ? "?" : current.host() + ":" + current.port();
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new ListenerBindException("Kafka listener " + (current == null ? "" : current.name() + " ")
                        + "cannot bind " + where + " (" + e.getMessage() + "): the port is in use or the address is not"
                        + " local; set " + KafkaListenerConfig.LISTENER + " (or " + KafkaListenerConfig.LISTENERS
                        + ") to a free host:port, or " + KafkaListenerConfig.ENABLED + "=false to run without it", e);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new ListenerBindException("Kafka listener on " + where + " failed to start: " + e + "; check "
                    + KafkaListenerConfig.LISTENER, e);
        }
    }

    /** The first listener's bound address. */
    public InetSocketAddress boundAddress() {
        return first().address();
    }

    public String advertisedHost() {
        return first().advertised().host();
    }

    public int advertisedPort() {
        return first().advertised().port();
    }

    /** Every listener by name, in configuration order. */
    public List<Bound> listeners() {
        return new ArrayList<>(listeners.values());
    }

    /** Load figures of the listener limits, e.g. for metrics and tests. */
    public record LimitStats(int openConnections, long queuedRequestBytes, long peakQueuedRequestBytes,
                             long queuedBytesPauses) { }

    public LimitStats limitStats() {
        return new LimitStats(limiter.open(), queued.used(), queued.peak(), queued.pauses());
    }

    private Bound first() {
        return listeners.values().iterator().next();
    }

    public void close() {
        listeners.values().forEach(b -> b.channel().close().syncUninterruptibly());
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
     * Accepted connections are checked against the connection limits, then initialised once the handlers exist (they
     * need the bound port to advertise). Until then they wait with auto-read off (nothing is read, the client's
     * first request stays in the socket buffer) and are initialised by {@link #set}.
     */
    private static final class DeferredInitializer extends ChannelInitializer<SocketChannel> {
        private final ChannelGroup connections;
        private final ConnectionLimiter limiter;
        private final String listenerName;
        private final List<SocketChannel> waiting = new ArrayList<>();
        private KafkaChannelInitializer delegate;

        DeferredInitializer(ChannelGroup connections, ConnectionLimiter limiter, String listenerName) {
            this.connections = connections;
            this.limiter = limiter;
            this.listenerName = listenerName;
        }

        void set(KafkaChannelInitializer d) {
            List<SocketChannel> ready;
            synchronized (this) {
                delegate = d;
                ready = new ArrayList<>(waiting);
                waiting.clear();
            }
            for (SocketChannel ch : ready) {
                ch.eventLoop().execute(() -> serve(ch, d));
            }
        }

        @Override
        protected void initChannel(SocketChannel ch) {
            String ip = ch.remoteAddress() == null ? "?" : ch.remoteAddress().getAddress().getHostAddress();
            String refused = limiter.tryAcquire(ip);
            if (refused != null) {
                LOG.warn("Refusing Kafka connection from {} on listener {}: {} reached", ip, listenerName, refused);
                ch.close();
                return;
            }
            ch.closeFuture().addListener(f -> limiter.release(ip));
            connections.add(ch);
            KafkaChannelInitializer d;
            synchronized (this) {
                d = delegate;
                if (d == null) {
                    waiting.add(ch);
                    return;
                }
            }
            serve(ch, d);
        }

        private static void serve(SocketChannel ch, KafkaChannelInitializer d) {
            if (!ch.isOpen()) {
                return;
            }
            ch.pipeline().addLast(d);
            ch.config().setAutoRead(true);
        }
    }
}
