package io.busbar.bus.log;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>Early start: a delayed commit starts before its delay is over once as many appends have asked for it as the
 * largest of the last four rounds covered, if it is the only group commit under way on its scheduler. With one
 * partition and a steady number of requests in flight (a Kafka producer's five), the round is then complete, and
 * waiting out the rest of the delay would only add latency: measured at 1 partition × 1 KiB, a round waited 150-200 µs
 * after its last request had arrived. The largest of four rather than the last, and only when no other log commits:
 * where rounds vary (a producer's batches spread over several partitions), an early start cut rounds short, with more
 * fsyncs for the same appends, and its fsync on the I/O thread held back the answers of the other partitions (0.82-0.88×
 * the rate at 4 partitions × 1 KiB). It starts on the thread of that last append, in an {@link InlineCommitScope} when
 * one is open. Whoever claims the delayed commit first, the timer or an early start, runs it; the other does nothing.
 *
 * <p>One commit at a time per log: an append that asks while this log's commit runs gets the next commit, which the
 * running one starts as it finishes (after the commit delay, if any, as above), covering every append that came during
 * its fsync. Without this, that next commit started at once on the scheduler's other thread (or the appending I/O
 * thread) and waited there for the running one's lock: at 4 partitions × 100 B, 60-75% of rounds then covered a single
 * append, and a blocked I/O thread read no requests meanwhile. A commit counts as finished once it is durable (fsync
 * and high watermark done), before its appends are acknowledged: {@link #commit()} returns the acknowledgements and
 * they run after that point, so a producer acknowledged there that appends again at once finds the log idle and gets
 * a commit of its own (inline, in an {@link InlineCommitScope}), not a follow-up on the scheduler.
 *
 * <p>Thread-safe.
 */
abstract class GroupCommit {
    /** Upper bound of the commit delay. */
    static final long MAX_COMMIT_DELAY_NANOS = 1_000_000;
    /** Rounds whose largest says how many appends make a complete round (early start). */
    private static final int RECENT_ROUNDS = 4;
    /** What a commit that acknowledged nothing returns. */
    static final Runnable NOTHING_TO_ACKNOWLEDGE = () -> { };

    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUNNING_FOLLOW_UP = 2;

    private final LogScheduler scheduler;
    private final AtomicBoolean commitScheduled = new AtomicBoolean();
    /**
     * IDLE, RUNNING (a commit of this log is under way, or its follow-up is pending), or RUNNING_FOLLOW_UP (and an
     * append asked for the next one, which the running commit starts as it finishes). Only a running commit leaves
     * RUNNING or RUNNING_FOLLOW_UP.
     */
    private final AtomicInteger phase = new AtomicInteger(IDLE);
    /** Appends that asked since the scheduled commit was requested (the one that requested it included). */
    private final AtomicInteger appendsAsking = new AtomicInteger();
    /** The pending delayed commit's ticket, 0 when none is pending: the timer and an early start claim it by CAS. */
    private final AtomicLong delayedCommitTicket = new AtomicLong();
    /** Guarded by commitScheduled: issued by the thread that set it, or by the commit it left a follow-up. */
    private long lastTicket;
    private volatile ScheduledFuture<?> delayedCommitTimer;
    /** Appends the last commit completed: more than one means appends are pipelined or concurrent. */
    private volatile int lastRoundAppends;
    /** The most appends one of the last {@link #RECENT_ROUNDS} rounds completed: a round this big is complete. */
    private volatile int fullRoundAppends;
    private final int[] recentRounds = new int[RECENT_ROUNDS]; // guarded by itself
    private int nextRecentRound; // guarded by recentRounds
    /** Moving average of the fsync time, for the commit delay. */
    private volatile long fsyncNanosAverage;

    GroupCommit(LogScheduler scheduler) {
        this.scheduler = scheduler;
    }

    LogScheduler scheduler() {
        return scheduler;
    }

    /**
     * The fsyncs and the durable position (the high watermark); returns what acknowledges the appends it covers
     * (completing their durable futures), which runs once this commit counts as finished (see the class comment), or
     * {@link #NOTHING_TO_ACKNOWLEDGE}.
     */
    abstract Runnable commit();

    /**
     * Schedules a commit unless one is already scheduled and not yet started; in an {@link InlineCommitScope}, a commit
     * that would start at once is left to the appending thread instead.
     */
    final void requestCommit() {
        int asking = appendsAsking.incrementAndGet();
        if (commitScheduled.compareAndSet(false, true)) {
            scheduler.commitRequested();
            if (phase.compareAndSet(RUNNING, RUNNING_FOLLOW_UP)) {
                return; // the running commit starts this one as it finishes
            }
            start();
        } else if (asking >= fullRoundAppends && scheduler.oneCommitInProgress()) {
            startEarly();
        }
    }

    /**
     * Starts the scheduled commit: after the commit delay, or at once: on this thread when an {@link InlineCommitScope}
     * is open on it (it runs the commit when the scope ends), else on the scheduler.
     */
    private void start() {
        long delay = commitDelayNanos();
        if (delay > 0) {
            scheduleDelayed(delay);
        } else if (!InlineCommitScope.defer(this)) {
            schedule();
        }
    }

    private void scheduleDelayed(long delay) {
        long ticket = ++lastTicket;
        delayedCommitTicket.set(ticket);
        try {
            delayedCommitTimer = scheduler.scheduleNanos(() -> {
                if (delayedCommitTicket.compareAndSet(ticket, 0)) {
                    runGroupCommit();
                }
            }, delay);
        } catch (RejectedExecutionException e) {
            // the shared scheduler was stopped first: fsync on the caller's thread rather than never
            if (delayedCommitTicket.compareAndSet(ticket, 0)) {
                runGroupCommit();
            }
        }
    }

    /** Claims the pending delayed commit, if the timer has not, and starts it now (see the class comment). */
    private void startEarly() {
        long ticket = delayedCommitTicket.get();
        if (ticket == 0 || !delayedCommitTicket.compareAndSet(ticket, 0)) {
            return;
        }
        ScheduledFuture<?> timer = delayedCommitTimer;
        if (timer != null) {
            timer.cancel(false); // it would find its ticket gone and do nothing; cancelling frees the queue slot
        }
        if (!InlineCommitScope.defer(this)) {
            schedule();
        }
    }

    /** A commit deferred by an {@link InlineCommitScope} that goes to the scheduler after all. */
    final void scheduleGroupCommit() {
        schedule();
    }

    /** A commit deferred by an {@link InlineCommitScope}, or one due now, run on the calling thread. */
    final void runGroupCommit() {
        // before commitScheduled is cleared, so that an append asking after that finds this commit running; a
        // follow-up finds RUNNING already set by the commit before it
        phase.compareAndSet(IDLE, RUNNING);
        // cleared before the commit reads the durable end: an append after this point asks for the next commit
        commitScheduled.set(false);
        // an append that asks between these two lines is not counted for the next round: its early start may come
        // one append late (the timer still starts it), never early
        appendsAsking.set(0);
        try {
            Runnable acknowledge;
            try {
                acknowledge = commit();
            } finally {
                finish();
            }
            acknowledge.run();
        } finally {
            scheduler.commitFinished();
        }
    }

    /**
     * The running commit is durable: the log is idle again, or the follow-up an append asked for starts now. Its
     * commit delay keeps a round of pipelined requests from being cut in two by one that arrived early.
     */
    private void finish() {
        if (!phase.compareAndSet(RUNNING, IDLE)) {
            // RUNNING_FOLLOW_UP, which only this thread changes
            phase.set(RUNNING);
            start();
        }
    }

    private void schedule() {
        try {
            scheduler.execute(this::runGroupCommit);
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
        scheduler.fsyncStats().latency().record(nanos);
        long average = fsyncNanosAverage;
        fsyncNanosAverage = average == 0 ? nanos : (7 * average + nanos) / 8;
    }

    /**
     * Records how many appends the commit that just ran completed, for the commit delay, the early start and the
     * metrics. A commit that completed none does not count: its appends asked for it after an earlier commit had
     * already covered them, which says nothing about the next round.
     */
    final void recordRound(int appends) {
        if (appends == 0) {
            return;
        }
        scheduler.fsyncStats().recordAcknowledged(appends);
        lastRoundAppends = appends;
        synchronized (recentRounds) { // once a round, uncontended: commits of one log rarely overlap
            recentRounds[nextRecentRound] = appends;
            nextRecentRound = (nextRecentRound + 1) % RECENT_ROUNDS;
            int most = 0;
            for (int round : recentRounds) {
                most = Math.max(most, round);
            }
            fullRoundAppends = most;
        }
    }
}
