package io.busbar.connectors.bus;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {

    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final TopicPartition p1 = new TopicPartition("t", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitsOnlyPastTheLongestCompletedPrefix() {
        for (long o = 10; o < 15; o++) {
            tracker.started(p0, o);
        }
        tracker.completed(p0, 12);
        tracker.completed(p0, 13);
        assertThat(tracker.takeCommittable(null)).isEmpty();

        tracker.completed(p0, 10);
        assertThat(tracker.takeCommittable(null)).containsEntry(p0, new CommittedOffset(11));

        tracker.completed(p0, 11);
        assertThat(tracker.takeCommittable(null)).containsEntry(p0, new CommittedOffset(14));
        assertThat(tracker.hasPending(List.of(p0))).isTrue();

        tracker.completed(p0, 14);
        assertThat(tracker.takeCommittable(null)).containsEntry(p0, new CommittedOffset(15));
        assertThat(tracker.hasPending(List.of(p0))).isFalse();
    }

    @Test
    void reportsEachAdvanceOnceAndOnlyForTheAskedPartitions() {
        tracker.started(p0, 0);
        tracker.started(p1, 5);
        tracker.completed(p0, 0);
        tracker.completed(p1, 5);

        assertThat(tracker.takeCommittable(List.of(p1))).containsOnlyKeys(p1);
        assertThat(tracker.takeCommittable(null)).containsOnlyKeys(p0);
        assertThat(tracker.takeCommittable(null)).isEmpty();
    }

    @Test
    void retriesAFailedCommitAndIgnoresCompletionsOfForgottenPartitions() {
        tracker.started(p0, 0);
        tracker.completed(p0, 0);
        var offsets = tracker.takeCommittable(null);
        tracker.restore(offsets);
        assertThat(tracker.takeCommittable(null)).isEqualTo(offsets);

        tracker.started(p1, 3);
        tracker.forget(List.of(p1));
        tracker.completed(p1, 3);
        assertThat(tracker.takeCommittable(null)).isEmpty();
    }
}
