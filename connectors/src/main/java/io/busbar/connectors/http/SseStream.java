package io.busbar.connectors.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events stream: a group member that polls a topic on its own thread and hands each record, as an
 * SSE event ({@code id: <partition>-<offset>}, {@code data:} the record as JSON), to the connection through a
 * bounded queue — a slow client makes the poller wait, it never makes a queue grow.
 *
 * <p>Offsets are committed for events Netty has taken for writing, one commit interval after it took them and only
 * if the connection is still open then: a client that goes away gets the last interval's events again when it (or
 * another member) reconnects. At-least-once for the connection; events already in a crashed client's socket buffer
 * cannot be told apart from processed ones, as with any push protocol without acknowledgements.
 *
 * <p>Thread-safety: the consumer is used only by the poller thread (plus {@code wakeup}); {@link #nextChunk} runs on
 * the Netty event loop; they share only concurrent structures.
 */
final class SseStream {

    private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);
    private static final long COMMIT_INTERVAL_MS = 1000;
    private static final long KEEP_ALIVE_MS = 15_000;
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    /** An event ready to write, with the record position it carries (null for a comment). */
    private record Event(byte[] bytes, TopicPartition partition, long offset) { }

    private static final Event END = new Event(new byte[0], null, -1);

    private final Bus bus;
    private final String topic;
    private final String groupId;
    private final boolean base64;
    private final Consumer<SseStream> onClose;
    private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(256);
    private final Map<TopicPartition, Long> handedOver = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile BusConsumer consumer;
    private volatile Runnable resume = () -> { };
    private final Channel channel;

    SseStream(Bus bus, String topic, String groupId, boolean base64, Channel channel, Consumer<SseStream> onClose) {
        this.channel = channel;
        this.bus = bus;
        this.topic = topic;
        this.groupId = groupId;
        this.base64 = base64;
        this.onClose = onClose;
    }

    /** Starts polling once the response head is on its way; {@code resume} wakes the writer when events wait. */
    void start(Runnable resumeWriting) {
        this.resume = resumeWriting;
        channel.closeFuture().addListener(f -> stop());
        Thread poller = new Thread(this::pollLoop, "busbar-sse-" + topic + "-" + groupId);
        poller.setDaemon(true);
        poller.start();
    }

    void stop() {
        if (running.compareAndSet(true, false)) {
            BusConsumer c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }
    }

    Channel channel() {
        return channel;
    }

    boolean finished() {
        return !running.get() && events.isEmpty();
    }

    /** The next chunk to write, or null when none is ready yet (the writer waits for {@code resume}). Event loop only. */
    HttpContent nextChunk(ByteBufAllocator allocator) {
        Event event = events.poll();
        if (event == null) {
            return null;
        }
        if (event == END) {
            return LastHttpContent.EMPTY_LAST_CONTENT;
        }
        if (event.partition() != null) {
            handedOver.merge(event.partition(), event.offset() + 1, Math::max);
        }
        ByteBuf buf = allocator.buffer(event.bytes().length);
        buf.writeBytes(event.bytes());
        return new DefaultHttpContent(buf);
    }

    private void pollLoop() {
        ConsumerConfig config = ConsumerConfig.builder().groupId(groupId).clientId("busbar-sse").build();
        Map<TopicPartition, Long> toCommit = Map.of();
        long lastCommit = System.currentTimeMillis();
        long lastWrite = lastCommit;
        try (BusConsumer c = bus.consumer(config)) {
            consumer = c;
            c.subscribe(List.of(topic), RebalanceListener.NONE);
            while (running.get()) {
                List<ConsumedRecord> records;
                try {
                    records = c.poll(Duration.ofMillis(500));
                } catch (RuntimeException e) {
                    if (!running.get()) {
                        break;
                    }
                    throw e;
                }
                for (ConsumedRecord r : records) {
                    if (!offer(eventFor(r))) {
                        break;
                    }
                    lastWrite = System.currentTimeMillis();
                }
                long now = System.currentTimeMillis();
                if (now - lastWrite >= KEEP_ALIVE_MS && offer(new Event(KEEP_ALIVE, null, -1))) {
                    lastWrite = now;
                }
                if (now - lastCommit >= COMMIT_INTERVAL_MS) {
                    commitIfOpen(c, toCommit);
                    toCommit = Map.copyOf(handedOver);
                    lastCommit = now;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("SSE stream of topic {} for group {} failed; closing the connection", topic, groupId, e);
        } finally {
            running.set(false);
            events.clear();
            events.offer(END);
            resume.run();
            onClose.accept(this);
        }
    }

    /** Commits what Netty took at least one interval ago, if the client is still connected. */
    private void commitIfOpen(BusConsumer c, Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty() || !channel.isActive()) {
            return;
        }
        Map<TopicPartition, CommittedOffset> commit = new HashMap<>();
        offsets.forEach((tp, next) -> {
            if (c.assignment().contains(tp)) {
                commit.put(tp, new CommittedOffset(next));
            }
        });
        try {
            if (!commit.isEmpty()) {
                c.commitSync(commit);
            }
        } catch (RuntimeException e) {
            LOG.info("SSE stream of {} for group {}: commit of {} refused ({}); the records will be delivered again",
                    topic, groupId, commit, e.toString());
        }
    }

    /** Queues an event, waiting while the client is slow; false once the stream stops. */
    private boolean offer(Event event) {
        try {
            while (running.get()) {
                if (events.offer(event, 200, TimeUnit.MILLISECONDS)) {
                    resume.run();
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
            return false;
        }
    }

    private Event eventFor(ConsumedRecord r) {
        String data = JsonResponses.write(RecordJson.toJson(r, base64));
        String text = "id: " + r.partition() + "-" + r.offset() + "\nevent: record\ndata: " + data + "\n\n";
        return new Event(text.getBytes(StandardCharsets.UTF_8), r.topicPartition(), r.offset());
    }
}
