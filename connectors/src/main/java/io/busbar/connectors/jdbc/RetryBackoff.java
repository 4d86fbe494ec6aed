package io.busbar.connectors.jdbc;

/**
 * Exponential backoff between attempts to reach a database that went away: 0.5 s, 1 s, 2 s ... up to the cap,
 * back to none after a success. Not thread-safe: owned by one poller.
 */
final class RetryBackoff {

    private final long initialMs;
    private final long maxMs;
    private long currentMs;
    private long nextAttemptAt;
    private int failures;

    RetryBackoff(long initialMs, long maxMs) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
    }

    /** Whether an attempt may run now. */
    boolean ready(long nowMs) {
        return nowMs >= nextAttemptAt;
    }

    long remainingMs(long nowMs) {
        return Math.max(0, nextAttemptAt - nowMs);
    }

    /** Records a failure; returns the delay until the next attempt. */
    long failed(long nowMs) {
        failures++;
        currentMs = currentMs == 0 ? initialMs : Math.min(maxMs, currentMs * 2);
        nextAttemptAt = nowMs + currentMs;
        return currentMs;
    }

    /** Records a success; returns how many failures preceded it. */
    int succeeded() {
        int before = failures;
        failures = 0;
        currentMs = 0;
        nextAttemptAt = 0;
        return before;
    }
}
