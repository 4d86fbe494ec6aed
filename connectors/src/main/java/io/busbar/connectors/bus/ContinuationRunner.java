package io.busbar.connectors.bus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the exchanges that continue after their records became durable (the steps after {@code to: bus:}), off the
 * log's threads, without a thread hand-off per record. A group commit completes hundreds of appends at once; handing
 * each to a pool thread (one park/unpark each) cost a durable {@code bus:a} → {@code bus:b} route about a third of its
 * throughput. Instead continuations queue up and a drainer (a pool thread) runs them one after the other.
 *
 * <p>A continuation may block (a slow HTTP step, a synchronous send to {@code bus:} waiting for its own continuation):
 * a watchdog checks every {@value #WATCHDOG_MS} ms, and when work is waiting and no continuation finished since the
 * last check, it starts another drainer. So a blocked step delays the others by at most a few milliseconds and never
 * deadlocks them, as with a thread per continuation, which is what the pool (cached, unbounded) provides. Thread-safe.
 */
final class ContinuationRunner implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContinuationRunner.class);
    static final long WATCHDOG_MS = 5;

    private final ExecutorService pool;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    private final AtomicLong finished = new AtomicLong();
    private final ScheduledFuture<?> watchdog;
    private long finishedAtLastCheck = -1;

    ContinuationRunner(ExecutorService pool, ScheduledExecutorService scheduler) {
        this.pool = pool;
        this.watchdog = scheduler.scheduleWithFixedDelay(this::check, WATCHDOG_MS, WATCHDOG_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void execute(Runnable continuation) {
        queue.add(continuation);
        if (drainers.get() == 0) {
            startDrainer();
        }
    }

    private void startDrainer() {
        drainers.incrementAndGet();
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            drainers.decrementAndGet(); // shutting down: what is queued is abandoned, as a stopped pool would
        }
    }

    private void drain() {
        try {
            Runnable next;
            while ((next = queue.poll()) != null) {
                try {
                    next.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("A continuation after a bus: send failed", e);
                }
                finished.incrementAndGet();
            }
        } finally {
            drainers.decrementAndGet();
            // a continuation added between the last poll and the decrement saw a drainer and started none
            if (!queue.isEmpty() && drainers.get() == 0) {
                startDrainer();
            }
        }
    }

    /** Work waits and nothing finished since the last check: every drainer is blocked, so start one more. */
    private void check() {
        long now = finished.get();
        if (!queue.isEmpty() && now == finishedAtLastCheck) {
            startDrainer();
        }
        finishedAtLastCheck = now;
    }

    @Override
    public void close() {
        watchdog.cancel(false);
    }
}
