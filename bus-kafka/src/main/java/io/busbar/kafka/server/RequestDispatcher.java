package io.busbar.kafka.server;

import io.busbar.bus.BusException;
import io.busbar.bus.log.InlineCommitScope;
import io.busbar.kafka.codec.ApiVersionTable;
import io.busbar.kafka.codec.KafkaRequest;
import io.busbar.kafka.codec.KafkaResponse;
import io.busbar.kafka.handler.ApiHandler;
import io.busbar.kafka.handler.RequestContext;
import io.busbar.kafka.security.ListenerSecurity;
import io.busbar.kafka.security.ListenerSpec;
import io.busbar.kafka.security.RequestAuthorizer;
import io.busbar.kafka.security.Session;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.EventExecutor;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Hands each request of one connection to its {@link ApiHandler} and writes the answers strictly in request order
 * (clients match responses to requests FIFO). Requests are started as they arrive, so a producer's pipelined batches
 * are appended in order, but a slow answer (long-poll fetch, durable produce) holds back the ones behind it. When too
 * many answers are outstanding, reading pauses (Kafka mutes the channel for the same reason).
 *
 * <p>Security: on a SASL listener nothing but ApiVersions and the SASL requests is served before authentication
 * succeeds (anything else closes the connection, as Kafka does); then every request passes the one authorization
 * step ({@link RequestAuthorizer}) before its handler runs.
 *
 * <p>Threads: the dispatcher runs on the connection's I/O thread. Produce, Fetch and ApiVersions run there too, in
 * line: they only touch memory and the page cache (an append is a write into the page cache). Its fsync runs when
 * this read of the connection's input is complete ({@link #channelReadComplete}): here, if the log's group commit
 * would start at once ({@link InlineCommitScope}), else on the log's flusher, and the answer comes back here when it
 * is durable. Every other API may block (files, fsyncs, SASL
 * hashing) and runs on the connection's handler executor. Handlers start strictly in arrival order: once a request
 * went to the handler executor, the ones behind it queue until it has started. Compared with running every request
 * on the handler executor this saves two thread hand-offs per produce (read → handler, handler → write), which
 * were a third of the broker's CPU per request in profiles.
 *
 * <p>Any failure is confined to this connection: it is logged and the connection closed. One instance per
 * connection.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final int MAX_OUTSTANDING = 64;
    /** APIs whose handlers never block: run on the I/O thread (see the class comment). */
    private static final EnumSet<ApiKeys> IN_LINE = EnumSet.of(ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.API_VERSIONS);

    private record Pending(KafkaRequest request, CompletableFuture<ApiMessage> answer) { }

    private final Map<ApiKeys, ApiHandler> handlers;
    private final ApiVersionTable versions;
    private final ListenerSpec listener;
    private final ListenerSecurity security;
    private final QueuedRequestBytes queued;
    private final AdvertisedEndpoint endpoint;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final EventExecutor handlerExecutor;
    /** Completes once the last request sent to the handler executor has started; done when none is starting. */
    private CompletableFuture<?> starting = CompletableFuture.completedFuture(null);
    private String remote = "?";
    private String remoteHost = "";
    private Session session;
    private boolean tlsChecked;

    RequestDispatcher(Map<ApiKeys, ApiHandler> handlers, ApiVersionTable versions, ListenerSpec listener,
                      ListenerSecurity security, QueuedRequestBytes queued, AdvertisedEndpoint endpoint,
                      EventExecutor handlerExecutor) {
        this.handlers = handlers;
        this.handlerExecutor = handlerExecutor;
        this.versions = versions;
        this.listener = listener;
        this.security = security;
        this.queued = queued;
        this.endpoint = endpoint;
    }

    /**
     * Connections accepted before the listener was ready get their pipeline once already active, so they never see
     * channelActive: the peer and the session are set up here, when the dispatcher joins the pipeline.
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a) {
            remote = a.getHostString() + ":" + a.getPort();
            remoteHost = a.getHostString();
        }
        session = new Session(listener, remoteHost);
    }

    /** Whether the request may be served at all; false closes the connection (unauthenticated SASL connection). */
    private boolean admissible(ChannelHandlerContext ctx, KafkaRequest request) {
        if (!tlsChecked) {
            tlsChecked = true;
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls != null) {
                session.tlsEstablished(tls.engine().getSession());
            }
        }
        if (session.isAuthenticated()) {
            return true;
        }
        ApiKeys key = request.apiKey();
        if (key == ApiKeys.API_VERSIONS || key == ApiKeys.SASL_HANDSHAKE || key == ApiKeys.SASL_AUTHENTICATE) {
            return session.saslState() != Session.SaslState.FAILED;
        }
        LOG.info("Closing Kafka connection from {} on listener {}: {} before SASL authentication", remote,
                listener.name(), request);
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof KafkaRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        // produces started in this read are committed (fsynced) at channelReadComplete, on this thread if the log's
        // group commit would start at once (see InlineCommitScope). The task is a backstop for a channelRead that no
        // channelReadComplete follows (one fired from a task, e.g. by a TLS handler): tasks run after the reads
        if (InlineCommitScope.begin()) {
            ctx.executor().execute(InlineCommitScope::end);
        }
        if (!admissible(ctx, request)) {
            queued.refund(request.sizeInBytes());
            refundAll();
            ctx.close();
            return;
        }
        CompletableFuture<ApiMessage> answer;
        if (request.isUnsupportedApiVersions()) {
            answer = CompletableFuture.completedFuture(versions.unsupportedVersionResponse());
        } else if (IN_LINE.contains(request.apiKey()) && starting.isDone()) {
            answer = start(ctx, request);
        } else {
            // after the requests before it have started; off the I/O thread unless it never blocks
            EventExecutor runner = IN_LINE.contains(request.apiKey()) ? ctx.executor() : handlerExecutor;
            CompletableFuture<CompletableFuture<ApiMessage>> started =
                    starting.thenApplyAsync(v -> start(ctx, request), runner);
            starting = started;
            answer = started.thenCompose(Function.identity());
        }
        pending.add(new Pending(request, answer));
        if (pending.size() >= MAX_OUTSTANDING) {
            ReadPause.pause(ctx.channel(), ReadPause.OUTSTANDING);
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
                remoteHost, ctx.executor(), session);
        try {
            RequestAuthorizer authorizer = security.requests();
            RequestAuthorizer.Decision decision = authorizer.check(session, request.apiKey(), request.apiVersion(),
                    request.body());
            if (decision.denied()) {
                if (decision.errorResponse() instanceof RequestAuthorizer.NoResponse) {
                    session.closeWithoutResponse();
                    return CompletableFuture.completedFuture(null);
                }
                return CompletableFuture.completedFuture(decision.errorResponse());
            }
            CompletableFuture<ApiMessage> f = handler.handle(context, request.body());
            if (f == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("handler returned null"));
            }
            return f.thenApply(r -> endpoint.rewrite(authorizer.filterResponse(session, request.apiKey(), r, decision)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Writes every answer at the head of the queue that is ready. */
    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().answer.isDone()) {
            Pending p = pending.poll();
            queued.refund(p.request.sizeInBytes());
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
                refundAll();
                ctx.close();
                return;
            }
            if (body == null) {
                if (session.closeAfterResponse()) { // a denied acks=0 produce: Kafka closes the connection
                    refundAll();
                    ctx.close();
                    return;
                }
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
            if (session.closeAfterResponse()) { // failed or out-of-order SASL step: answer, then close (as Kafka)
                refundAll();
                ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (pending.size() < MAX_OUTSTANDING / 2 && ReadPause.isPaused(ctx.channel(), ReadPause.OUTSTANDING)) {
            ReadPause.resume(ctx.channel(), ReadPause.OUTSTANDING);
        }
    }

    /**
     * The end of one read of this connection's input: the group commits of the produces it started run now, the first
     * on this thread (an acknowledgement without two thread hand-offs), the others on the log scheduler.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        InlineCommitScope.end();
        ctx.fireChannelReadComplete();
    }

    /** Gives back the queued-bytes charge of every request still waiting (the connection is going away). */
    private void refundAll() {
        for (Pending p : pending) {
            queued.refund(p.request.sizeInBytes());
        }
        pending.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // waiting answers (long-poll fetch, join group) are no longer wanted
        List<Pending> waiting = new ArrayList<>(pending);
        refundAll();
        queued.forget(ctx.channel());
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
        refundAll();
        ctx.close();
    }
}
