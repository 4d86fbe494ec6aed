package io.busbar.kafka.server;

import io.busbar.bus.BusException;
import io.busbar.kafka.codec.ApiVersionTable;
import io.busbar.kafka.codec.KafkaRequest;
import io.busbar.kafka.codec.KafkaResponse;
import io.busbar.kafka.handler.ApiHandler;
import io.busbar.kafka.handler.RequestContext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * Hands each request of one connection to its {@link ApiHandler} and writes the answers strictly in request order
 * (clients match responses to requests FIFO). Requests are started as they arrive, so a producer's pipelined batches
 * are appended in order, but a slow answer (long-poll fetch, durable produce) holds back the ones behind it. When too
 * many answers are outstanding, reading pauses (Kafka mutes the channel for the same reason).
 *
 * <p>Any failure is confined to this connection: it is logged and the connection closed. One instance per
 * connection; all methods run on the connection's handler executor.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final int MAX_OUTSTANDING = 64;

    private record Pending(KafkaRequest request, CompletableFuture<ApiMessage> answer) { }

    private final Map<ApiKeys, ApiHandler> handlers;
    private final ApiVersionTable versions;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private String remote = "?";
    private String remoteHost = "";

    RequestDispatcher(Map<ApiKeys, ApiHandler> handlers, ApiVersionTable versions) {
        this.handlers = handlers;
        this.versions = versions;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a) {
            remote = a.getHostString() + ":" + a.getPort();
            remoteHost = a.getHostString();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof KafkaRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        CompletableFuture<ApiMessage> answer;
        if (request.isUnsupportedApiVersions()) {
            answer = CompletableFuture.completedFuture(versions.unsupportedVersionResponse());
        } else {
            answer = start(ctx, request);
        }
        pending.add(new Pending(request, answer));
        if (pending.size() >= MAX_OUTSTANDING) {
            ctx.channel().config().setAutoRead(false);
        }
        answer.whenComplete((r, e) -> {
            if (ctx.executor().inEventLoop()) {
                drain(ctx);
            } else {
                ctx.executor().execute(() -> drain(ctx));
            }
        });
    }

    private CompletableFuture<ApiMessage> start(ChannelHandlerContext ctx, KafkaRequest request) {
        ApiHandler handler = handlers.get(request.apiKey());
        RequestContext context = new RequestContext(request.apiVersion(), request.correlationId(), request.clientId(),
                remoteHost, ctx.executor());
        try {
            CompletableFuture<ApiMessage> f = handler.handle(context, request.body());
            return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("handler returned null"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Writes every answer at the head of the queue that is ready. */
    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().answer.isDone()) {
            Pending p = pending.poll();
            ApiMessage body;
            try {
                body = p.answer.join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof BusException) { // expected kind of failure: the message says it all
                    LOG.warn("Closing Kafka connection from {}: {} failed: {}", remote, p.request, cause.getMessage());
                } else {
                    LOG.warn("Closing Kafka connection from {}: {} failed: {}", remote, p.request, cause.toString(), cause);
                }
                pending.clear();
                ctx.close();
                return;
            }
            if (body == null) {
                continue; // acks=0 produce: no response, by protocol
            }
            short version = p.request.isUnsupportedApiVersions() ? 0 : p.request.apiVersion();
            ctx.write(new KafkaResponse(p.request.apiKey(), version, p.request.correlationId(), body))
                    .addListener(f -> {
                        if (!f.isSuccess() && ctx.channel().isActive()) {
                            LOG.warn("Closing Kafka connection from {}: writing the response to {} failed", remote,
                                    p.request, f.cause());
                            ctx.close();
                        }
                    });
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (pending.size() < MAX_OUTSTANDING / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // waiting answers (long-poll fetch, join group) are no longer wanted
        List<Pending> waiting = new ArrayList<>(pending);
        pending.clear();
        waiting.forEach(p -> p.answer.cancel(false));
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && pending.isEmpty()) {
            LOG.info("Closing idle Kafka connection from {} (busbar.kafka.connections.max.idle.ms)", remote);
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (reason instanceof TooLongFrameException) {
            LOG.warn("Closing Kafka connection from {}: request larger than busbar.kafka.max.request.bytes ({})",
                    remote, reason.getMessage());
        } else if (reason instanceof IOException) {
            LOG.debug("Kafka connection from {} failed: {}", remote, reason.toString());
        } else {
            LOG.warn("Closing Kafka connection from {}: {}", remote, reason.toString());
        }
        pending.clear();
        ctx.close();
    }
}
