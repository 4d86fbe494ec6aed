package io.busbar.bus.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
        Runnable commit() {
            if (appendsNextRound > 0) {
                recordFsync(TimeUnit.MICROSECONDS.toNanos(400));
            }
            recordRound(appendsNextRound);
            commits++;
            return NOTHING_TO_ACKNOWLEDGE;
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
        scheduler.execute(() -> awaitQuietly(release)); // no timer can fire: only an early start commits
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

    @Test
    void appendsAskingWhileACommitRunsGetOneFollowUpAfterItNeverAConcurrentCommit() throws Exception {
        try (LogScheduler twoThreads = new LogScheduler(2)) {
            CountDownLatch firstRunning = new CountDownLatch(1);
            CountDownLatch releaseFirst = new CountDownLatch(1);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostRunning = new AtomicInteger();
            AtomicInteger commits = new AtomicInteger();
            GroupCommit commit = new GroupCommit(twoThreads) {
                @Override
                Runnable commit() {
                    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    if (commits.incrementAndGet() == 1) {
                        firstRunning.countDown();
                        awaitQuietly(releaseFirst);
                    }
                    recordRound(1); // rounds of one: no commit delay, every commit due at once
                    running.decrementAndGet();
                    return NOTHING_TO_ACKNOWLEDGE;
                }
            };
            commit.requestCommit();
            assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                commit.requestCommit(); // the scheduler's second thread is free: only the rule keeps them waiting
            }
            Thread.sleep(200);
            assertThat(commits.get()).as("no commit starts while this log's commit runs").isEqualTo(1);

            releaseFirst.countDown();
            awaitCommits(commits, 2);
            Thread.sleep(200);
            assertThat(commits.get()).as("one follow-up covers the three that asked").isEqualTo(2);
            assertThat(mostRunning.get()).isEqualTo(1);

            commit.requestCommit(); // idle again: a new request starts a commit of its own
            awaitCommits(commits, 3);
        }
    }

    @Test
    void anAppenderAcknowledgedByACommitThatAppendsAgainGetsItsOwnCommitNotAFollowUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> awaitQuietly(release)); // the only scheduler thread is busy: a follow-up would wait
        try {
            AtomicInteger commits = new AtomicInteger();
            AtomicInteger commitsSeenByTheNextAppend = new AtomicInteger();
            GroupCommit commit = new GroupCommit(scheduler) {
                @Override
                Runnable commit() {
                    recordRound(1);
                    if (commits.incrementAndGet() > 1) {
                        return NOTHING_TO_ACKNOWLEDGE;
                    }
                    // the acknowledged producer appends its next request at once, on the thread that acknowledges it
                    return () -> {
                        askInOneScope(this, 1);
                        commitsSeenByTheNextAppend.set(commits.get());
                    };
                }
            };
            askInOneScope(commit, 1);
            assertThat(commitsSeenByTheNextAppend.get())
                    .as("the next append committed inline, on this thread, as the log was idle again")
                    .isEqualTo(2);
        } finally {
            release.countDown();
        }
    }

    private static void awaitCommits(AtomicInteger commits, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (commits.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(commits.get()).isEqualTo(expected);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
