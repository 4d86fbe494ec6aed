package io.busbar.kafka.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reading of a connection pauses for several independent reasons (too many outstanding answers, the broker-wide
 * queued-bytes budget); it resumes only once none holds. Thread-safe.
 */
final class ReadPause {

    static final int OUTSTANDING = 1;
    static final int QUEUED_BYTES = 2;

    private static final AttributeKey<AtomicInteger> REASONS = AttributeKey.valueOf("busbar.readPause");

    private ReadPause() {
    }

    static void pause(Channel ch, int reason) {
        reasons(ch).getAndUpdate(r -> r | reason);
        ch.config().setAutoRead(false);
    }

    static void resume(Channel ch, int reason) {
        if (reasons(ch).updateAndGet(r -> r & ~reason) == 0) {
            ch.config().setAutoRead(true);
            ch.read();
        }
    }

    static boolean isPaused(Channel ch, int reason) {
        return (reasons(ch).get() & reason) != 0;
    }

    private static AtomicInteger reasons(Channel ch) {
        AtomicInteger r = ch.attr(REASONS).get();
        if (r == null) {
            AtomicInteger fresh = new AtomicInteger();
            r = ch.attr(REASONS).setIfAbsent(fresh);
            if (r == null) {
                r = fresh;
            }
        }
        return r;
    }
}
