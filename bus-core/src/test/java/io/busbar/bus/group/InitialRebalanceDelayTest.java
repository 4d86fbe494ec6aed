package io.busbar.bus.group;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.InvalidConfigException;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code BusConfig.groupInitialRebalanceDelayMs} is how long the first member of an empty group waits for its partitions. */
class InitialRebalanceDelayTest {

    @TempDir
    Path dir;

    /** Milliseconds from subscribing until the first record is polled. */
    private long millisToFirstRecord(long delayMs, String name) throws Exception {
        try (Bus bus = Bus.open(BusConfig.builder(dir.resolve(name)).groupInitialRebalanceDelayMs(delayMs).build())) {
            bus.producer().send("t", new BusRecord(null, null, "x".getBytes(StandardCharsets.UTF_8), List.of(), 0L)).get();
            try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().groupId("g").build())) {
                long start = System.nanoTime();
                consumer.subscribe(List.of("t"), new RebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) { }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) { }
                });
                long deadline = start + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    List<ConsumedRecord> records = consumer.poll(Duration.ofMillis(100));
                    if (!records.isEmpty()) {
                        return (System.nanoTime() - start) / 1_000_000;
                    }
                }
                throw new AssertionError("no record within 30 s");
            }
        }
    }

    @Test
    void theFirstMemberOfAnEmptyGroupWaitsTheDelayAndNoLongerWithZero() throws Exception {
        long delayed = millisToFirstRecord(1500, "delayed");
        long immediate = millisToFirstRecord(0, "immediate");
        assertThat(delayed).as("with a 1500 ms delay").isGreaterThanOrEqualTo(1400);
        assertThat(immediate).as("with no delay").isLessThan(1400);
    }

    @Test
    void aNegativeDelayIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> BusConfig.builder(dir).groupInitialRebalanceDelayMs(-1).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("busbar.group.initial.rebalance.delay.ms");
        assertThat(GroupCoordinatorConfig.from(BusConfig.builder(dir).groupInitialRebalanceDelayMs(7).build())
                .initialRebalanceDelayMs()).isEqualTo(7);
    }
}
