package io.busbar.bus.log;

import io.busbar.bus.FsyncStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The background threads shared by partition logs: group-commit fsyncs, the periodic fsync of
 * {@link io.busbar.bus.Durability#INTERVAL}, and the delayed deletion of segment files removed by retention or
 * compaction; plus one thread of its own for zero-filling segments ahead of their appends
 * ({@link SegmentPreallocation}), so that work never delays an fsync. An embedded bus creates one and passes it to
 * every log it opens
 * ({@link PartitionLogs#open(java.nio.file.Path, io.busbar.bus.TopicPartition, io.busbar.bus.TopicConfig, LogOptions, LogScheduler)}),
 * so a thousand partitions do not mean a thousand threads; close it after the logs.
 *
 * <p>Durable futures complete on these threads (or on an appending thread that holds an {@link InlineCommitScope}):
 * callbacks must not block on another append's durability.
 * Thread-safe.
 */
public final class LogScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogScheduler.class);
    private static final AtomicInteger SCHEDULERS = new AtomicInteger();

    private final ScheduledThreadPoolExecutor executor;
    /** One thread, started on first use and stopped after a minute idle. */
    private final ThreadPoolExecutor preallocator;
    private final FsyncStats fsyncStats = new FsyncStats();
    /** Group commits of this scheduler's logs requested and not yet finished (see {@link GroupCommit}'s early start). */
    private final AtomicInteger commitsInProgress = new AtomicInteger();

    /** Threads of a bus's scheduler unless {@code busbar.log.flush.threads} says otherwise. */
    public static final int DEFAULT_THREADS = 2;

    /** A scheduler with {@code threads} threads: fsyncs of different partitions overlap up to this many. */
    public LogScheduler(int threads) {
        int id = SCHEDULERS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "busbar-log-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ScheduledThreadPoolExecutor(threads, factory);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        preallocator = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "busbar-log-" + id + "-preallocate");
            t.setDaemon(true);
            return t;
        });
        preallocator.allowCoreThreadTimeOut(true);
    }

    /** The fsync rounds of every log on this scheduler. */
    public FsyncStats fsyncStats() {
        return fsyncStats;
    }

    void commitRequested() {
        commitsInProgress.incrementAndGet();
    }

    void commitFinished() {
        commitsInProgress.decrementAndGet();
    }

    /** Whether exactly one group commit of this scheduler's logs is requested and not finished. */
    boolean oneCommitInProgress() {
        return commitsInProgress.get() == 1;
    }

    void execute(Runnable task) {
        executor.execute(guarded(task));
    }

    /** Runs a segment's zero-fill on the preallocation thread; false when the scheduler is shut down. */
    boolean preallocate(Runnable task) {
        try {
            preallocator.execute(guarded(task));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return executor.schedule(guarded(task), delayMs, TimeUnit.MILLISECONDS);
    }

    ScheduledFuture<?> scheduleNanos(Runnable task, long delayNanos) {
        return executor.schedule(guarded(task), delayNanos, TimeUnit.NANOSECONDS);
    }

    ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long periodMs) {
        return executor.scheduleAtFixedRate(guarded(task), periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    boolean isShutdown() {
        return executor.isShutdown();
    }

    /** Stops the threads; delayed tasks that have not started are dropped (logs do their own cleanup at close). */
    @Override
    public void close() {
        executor.shutdown();
        preallocator.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS) || !preallocator.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Log scheduler threads did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("Log background task failed", t);
            }
        };
    }
}
