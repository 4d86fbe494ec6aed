package io.busbar.kafka.server;

import io.netty.channel.Channel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker-wide budget of request bytes read but not yet answered (Kafka's {@code queued.max.request.bytes}).
 * Each request frame is charged when it is read and refunded when its response is written (or its connection
 * closes). While the budget is spent, connections stop reading after their current frame, and resume when bytes come
 * back. So memory held by requests stays within the budget plus at most one frame per connection that is being read.
 * Thread-safe.
 */
final class QueuedRequestBytes {

    private final long max;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final Set<Channel> paused = ConcurrentHashMap.newKeySet();

    QueuedRequestBytes(long max) {
        this.max = max;
    }

    /** Charges a frame; pauses the channel's reading when the budget is spent. */
    void charge(Channel channel, int bytes) {
        long now = used.addAndGet(bytes);
        peak.accumulateAndGet(now, Math::max);
        if (now >= max) {
            pauses.incrementAndGet();
            paused.add(channel);
            ReadPause.pause(channel, ReadPause.QUEUED_BYTES);
            if (used.get() < max && paused.remove(channel)) { // refunded meanwhile
                ReadPause.resume(channel, ReadPause.QUEUED_BYTES);
            }
        }
    }

    void refund(int bytes) {
        if (used.addAndGet(-bytes) < max && !paused.isEmpty()) {
            for (Channel c : paused) {
                if (used.get() >= max) {
                    break;
                }
                if (paused.remove(c)) {
                    ReadPause.resume(c, ReadPause.QUEUED_BYTES);
                }
            }
        }
    }

    void forget(Channel channel) {
        paused.remove(channel);
    }

    long used() {
        return used.get();
    }

    long max() {
        return max;
    }

    /** The most ever held at once. */
    long peak() {
        return peak.get();
    }

    /** How often a connection's reading was paused for the budget. */
    long pauses() {
        return pauses.get();
    }
}
