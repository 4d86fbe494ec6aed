package io.busbar.bus.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

        CountingCommit() {
            super(scheduler);
        }

        @Override
        void commit() {
            if (appendsNextRound > 0) {
                recordFsync(TimeUnit.MICROSECONDS.toNanos(400));
            }
            recordRound(appendsNextRound);
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
}
