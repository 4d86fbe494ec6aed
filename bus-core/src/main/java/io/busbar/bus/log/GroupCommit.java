package io.busbar.bus.log;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When a group commit runs: appends ask for one with {@link #requestCommit()}, and it runs once on a
 * {@link LogScheduler} thread (or on the appending thread, see {@link InlineCommitScope}) for every append that asked
 * before it started. Shared by {@link LogFlusher} (one log's segments) and {@link LogJournal} (every log's appends in
 * one file); what a commit does is theirs ({@link #commit()}).
 *
 * <p>Commit delay: when the last commit covered more than one append (pipelined or concurrent producers), the next one
 * waits half an fsync's time (at most {@link #MAX_COMMIT_DELAY_NANOS}) after the first append asks for it, so that more
 * appends share one fsync: fewer, larger fsyncs cost less CPU per record, and a producer with several requests in
 * flight gets them answered together. A lone producer with one request in flight never waits (its rounds cover one
 * append), so its latency is one fsync. Nothing is acknowledged earlier: the delay only moves when the fsync starts.
 *
 * <p>Thread-safe.
 */
abstract class GroupCommit {
    /** Upper bound of the commit delay. */
    static final long MAX_COMMIT_DELAY_NANOS = 1_000_000;

    private final LogScheduler scheduler;
    private final AtomicBoolean commitScheduled = new AtomicBoolean();
    /** Appends the last commit completed: more than one means appends are pipelined or concurrent. */
    private volatile int lastRoundAppends;
    /** Moving average of the fsync time, for the commit delay. */
    private volatile long fsyncNanosAverage;

    GroupCommit(LogScheduler scheduler) {
        this.scheduler = scheduler;
    }

    LogScheduler scheduler() {
        return scheduler;
    }

    /** The fsyncs, the durable position and completing the appends it covers. */
    abstract void commit();

    /**
     * Schedules a commit unless one is already scheduled and not yet started; in an {@link InlineCommitScope}, a commit
     * that would start at once is left to the appending thread instead.
     */
    final void requestCommit() {
        if (commitScheduled.compareAndSet(false, true)) {
            long delay = commitDelayNanos();
            if (delay == 0 && InlineCommitScope.defer(this)) {
                return; // the appending thread runs it when its scope ends
            }
            schedule(delay);
        }
    }

    /** A commit deferred by an {@link InlineCommitScope} that goes to the scheduler after all. */
    final void scheduleGroupCommit() {
        schedule(0);
    }

    /** A commit deferred by an {@link InlineCommitScope}, or one due now, run on the calling thread. */
    final void runGroupCommit() {
        // cleared before the commit reads the durable end: an append after this point schedules the next commit
        commitScheduled.set(false);
        commit();
    }

    private void schedule(long delay) {
        try {
            if (delay > 0) {
                scheduler.scheduleNanos(this::runGroupCommit, delay);
            } else {
                scheduler.execute(this::runGroupCommit);
            }
        } catch (RejectedExecutionException e) {
            // the shared scheduler was stopped first: fsync on the caller's thread rather than never
            runGroupCommit();
        }
    }

    /** How long the next commit waits before it fsyncs (see the class comment). */
    final long commitDelayNanos() {
        return lastRoundAppends > 1 ? Math.min(MAX_COMMIT_DELAY_NANOS, fsyncNanosAverage / 2) : 0;
    }

    /** Records one fsync's time: the shared fsync histogram and the average the commit delay uses. */
    final void recordFsync(long nanos) {
        scheduler.fsyncLatency().record(nanos);
        long average = fsyncNanosAverage;
        fsyncNanosAverage = average == 0 ? nanos : (7 * average + nanos) / 8;
    }

    /**
     * Records how many appends the commit that just ran completed. A commit that completed none does not count: its
     * appends asked for it after an earlier commit had already covered them, which says nothing about the next round.
     */
    final void recordRound(int appends) {
        if (appends == 0) {
            return;
        }
        lastRoundAppends = appends;
    }
}
