package io.busbar.kafka.server;

import io.busbar.bus.InvalidConfigException;
import io.busbar.kafka.KafkaListenerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.concurrent.ThreadFactory;

/**
 * The Netty transport the listener's sockets run on, chosen once at start: native epoll (Linux x86_64, the library
 * ships in netty-transport-native-epoll) or Java NIO. Both send fetched segment slices with sendfile (see
 * {@code RecordsFileRegion}). Immutable.
 */
record SocketTransport(String name, Class<? extends ServerChannel> serverChannel, boolean epoll) {

    static final SocketTransport EPOLL = new SocketTransport("epoll", EpollServerSocketChannel.class, true);
    static final SocketTransport NIO = new SocketTransport("nio", NioServerSocketChannel.class, false);

    /** The transport {@code wanted} names; AUTO takes epoll when its native library loads here. */
    static SocketTransport choose(KafkaListenerConfig.Transport wanted) {
        return switch (wanted) {
            case NIO -> NIO;
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new InvalidConfigException(KafkaListenerConfig.TRANSPORT + " = epoll, but the native epoll"
                            + " transport does not load here (" + Epoll.unavailabilityCause() + "): use auto or nio");
                }
                yield EPOLL;
            }
        };
    }

    /** Why AUTO did not take epoll, for the start-up log line; empty when it did or was not asked to. */
    static String whyNotEpoll(KafkaListenerConfig.Transport wanted, SocketTransport chosen) {
        if (chosen.epoll || wanted == KafkaListenerConfig.Transport.NIO) {
            return "";
        }
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "" : " (native epoll unavailable: " + cause + ")";
    }

    EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return epoll ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
    }
}
