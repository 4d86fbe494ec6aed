package io.busbar.kafka.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections, in total and per client address, across every listener of the broker (Kafka's
 * {@code max.connections} and {@code max.connections.per.ip}). Thread-safe.
 */
final class ConnectionLimiter {

    private final int max;
    private final int maxPerIp;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perIp = new ConcurrentHashMap<>();

    ConnectionLimiter(int max, int maxPerIp) {
        this.max = max;
        this.maxPerIp = maxPerIp;
    }

    /** Takes a slot for a new connection from {@code ip}; null when allowed, else the setting that refused it. */
    String tryAcquire(String ip) {
        if (total.incrementAndGet() > max) {
            total.decrementAndGet();
            return "busbar.kafka.max.connections (" + max + ")";
        }
        AtomicInteger n = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
        if (n.incrementAndGet() > maxPerIp) {
            release(ip);
            return "busbar.kafka.max.connections.per.ip (" + maxPerIp + ")";
        }
        return null;
    }

    void release(String ip) {
        total.decrementAndGet();
        perIp.computeIfPresent(ip, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    int open() {
        return total.get();
    }
}
