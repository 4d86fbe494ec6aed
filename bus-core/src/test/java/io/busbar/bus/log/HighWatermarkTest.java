package io.busbar.bus.log;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class HighWatermarkTest {

    @Test
    void cancelledWaitsOfAnIdlePartitionDoNotPileUp() {
        HighWatermark hw = new HighWatermark(new HighWatermark.Position(10, null, 0));
        for (int i = 0; i < 100_000; i++) {
            hw.awaitAbove(10).cancel(false); // a consumer polling an idle partition, again and again
        }
        assertThat(hw.waiterCount()).isLessThanOrEqualTo(1);
    }

    @Test
    void waitersAreReleasedOnceTheOffsetPassesAndNotBefore() {
        HighWatermark hw = new HighWatermark(new HighWatermark.Position(10, null, 0));
        CompletableFuture<Void> at10 = hw.awaitAbove(10);
        CompletableFuture<Void> at11 = hw.awaitAbove(11);
        assertThat(hw.awaitAbove(9)).isDone();
        hw.advanceTo(new HighWatermark.Position(11, null, 0));
        hw.releaseWaiters();
        assertThat(at10).isDone();
        assertThat(at11).isNotDone();
        hw.close();
        assertThat(at11).isDone();
    }
}
