package io.busbar.bus.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets a thread that appends run the group commit itself instead of handing it to a {@link LogScheduler} thread, for
 * a lone appender's latency. Between {@link #begin()} and {@link #end()} on one thread, a log appended to under
 * {@link io.busbar.bus.Durability#FSYNC} whose group commit would start at once (no commit delay: its last round
 * covered one append, see {@link GroupCommit}) and is not already scheduled defers that commit to {@link #end()}. There
 * the first deferred commit runs on the calling thread (fsync, high watermark, completing the durable futures, which
 * then run their callbacks on this thread); any further ones go to the scheduler first, so they fsync in parallel as
 * before.
 *
 * <p>Why: an acknowledgement through the scheduler costs two thread wake-ups (appender → flusher, flusher →
 * appender's I/O thread) on top of the fsync. On a busy machine each wake-up waits for a CPU now and then; measured on
 * the Kafka listener, each hand-off had a p99 of 1.2-2.8 ms against an fsync p50 of 0.27 ms. Ending the scope after a
 * whole read of a connection's input (Netty's {@code channelReadComplete}) keeps pipelined requests together: they are
 * all appended before the one fsync that covers them, and a round covering several appends turns on the commit delay,
 * which sends the next rounds to the scheduler again.
 *
 * <p>Nothing is acknowledged earlier and the high watermark moves as before: only the thread that fsyncs changes. The
 * price is that the calling thread is busy for one fsync. Callbacks of durable futures may run on the calling thread.
 * Not reentrant in effect: {@link #begin()} inside an open scope does nothing. Thread confinement: each thread has its
 * own scope.
 */
public final class InlineCommitScope {
    private static final Logger LOG = LoggerFactory.getLogger(InlineCommitScope.class);
    private static final ThreadLocal<InlineCommitScope> CURRENT = new ThreadLocal<>();

    private final List<GroupCommit> deferred = new ArrayList<>(2);

    private InlineCommitScope() {
    }

    /**
     * Opens a scope on this thread unless one is open; returns whether it opened one. The caller must make sure
     * {@link #end()} follows on this thread, also when the work it expected (a read completing) does not come: an open
     * scope holds back the acknowledgements of what was appended in it.
     */
    public static boolean begin() {
        if (CURRENT.get() == null) {
            CURRENT.set(new InlineCommitScope());
            return true;
        }
        return false;
    }

    /** Whether a scope is open on this thread. */
    public static boolean isOpen() {
        return CURRENT.get() != null;
    }

    /**
     * Closes this thread's scope (if any) and runs the commits deferred in it: all but the first are handed to their
     * scheduler, then the first runs here.
     */
    public static void end() {
        InlineCommitScope scope = CURRENT.get();
        if (scope == null) {
            return;
        }
        CURRENT.remove();
        List<GroupCommit> commits = scope.deferred;
        for (int i = 1; i < commits.size(); i++) {
            commits.get(i).scheduleGroupCommit();
        }
        if (!commits.isEmpty()) {
            try {
                commits.get(0).runGroupCommit();
            } catch (RuntimeException e) {
                LOG.error("Group commit on the appending thread failed", e);
            }
        }
    }

    /** Called by a group commit due now (already marked scheduled): defers it if a scope is open. */
    static boolean defer(GroupCommit commit) {
        InlineCommitScope scope = CURRENT.get();
        if (scope == null) {
            return false;
        }
        scope.deferred.add(commit);
        return true;
    }
}
