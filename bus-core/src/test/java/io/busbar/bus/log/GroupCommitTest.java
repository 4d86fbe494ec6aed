package io.busbar.bus.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class GroupCommitTest {
    private final LogScheduler scheduler = new LogScheduler(1);

    @AfterEach
    void close() {
        scheduler.close();
    }

    /** A commit covering as many appends as the test says; a 400 µs fsync when it covers any, as in LogFlusher. */
    private final class CountingCommit extends GroupCommit {
        volatile int appendsNextRound;
        volatile int commits;

        CountingCommit() {
            super(scheduler);
        }

        @Override
        void commit() {
            if (appendsNextRound > 0) {
                recordFsync(TimeUnit.MICROSECONDS.toNanos(400));
            }
            recordRound(appendsNextRound);
            commits++;
        }
    }

    @Test
    void aLoneAppenderCommitsAtOnceAndPipelinedAppendsWaitHalfAnFsync() {
        CountingCommit commit = new CountingCommit();
        assertThat(commit.commitDelayNanos()).isZero();
        commit.appendsNextRound = 1;
        commit.runGroupCommit();
        assertThat(commit.commitDelayNanos()).isZero();
        commit.appendsNextRound = 3;
        commit.runGroupCommit();
        assertThat(commit.commitDelayNanos()).isEqualTo(TimeUnit.MICROSECONDS.toNanos(200));
    }

    @Test
    void aCommitThatCompletedNoAppendLeavesTheDelayAsTheLastRealRoundSetIt() {
        CountingCommit commit = new CountingCommit();
        commit.appendsNextRound = 3;
        commit.runGroupCommit();
        long delay = commit.commitDelayNanos();
        assertThat(delay).isPositive();
        // its appends asked for it after an earlier commit covered them: no fsync, no round
        commit.appendsNextRound = 0;
        commit.runGroupCommit();
        assertThat(commit.commitDelayNanos()).isEqualTo(delay);
    }

    @Test
    void aDelayedCommitStartsEarlyOnceAsManyAppendsAskedAsTheLargestOfTheLastFourRounds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> { // no timer can fire: only an early start commits
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            CountingCommit commit = new CountingCommit();
            commit.appendsNextRound = 5;
            askInOneScope(commit, 1); // no delay yet: runs at the scope's end, a round of five
            assertThat(commit.commits).isEqualTo(1);

            commit.appendsNextRound = 2;
            askInOneScope(commit, 4);
            assertThat(commit.commits).as("four of five: the round is not complete").isEqualTo(1);
            askInOneScope(commit, 1);
            assertThat(commit.commits).as("the fifth starts it").isEqualTo(2);

            // the last round covered two, but one of the last four covered five: still five to start early
            askInOneScope(commit, 4);
            assertThat(commit.commits).isEqualTo(2);
            askInOneScope(commit, 1);
            assertThat(commit.commits).isEqualTo(3);
        } finally {
            release.countDown();
        }
    }

    private static void askInOneScope(GroupCommit commit, int appends) {
        InlineCommitScope.begin();
        try {
            for (int i = 0; i < appends; i++) {
                commit.requestCommit();
            }
        } finally {
            InlineCommitScope.end();
        }
    }
}
