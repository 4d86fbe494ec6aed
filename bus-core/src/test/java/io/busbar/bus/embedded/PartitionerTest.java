package io.busbar.bus.embedded;

import io.busbar.bus.BusRecord;
import io.busbar.bus.InvalidConfigException;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionerTest {
    private final Partitioner partitioner = new Partitioner();

    @Test
    void keyedRecordsLandOnTheSamePartitionAsKafkasDefaultPartitioner() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            byte[] key = new byte[1 + random.nextInt(40)];
            random.nextBytes(key);
            int partitions = 1 + random.nextInt(64);
            assertThat(partitioner.partition("t", BusRecord.of(key, null), partitions))
                    .isEqualTo(BuiltInPartitioner.partitionForKey(key, partitions));
        }
    }

    @Test
    void knownKeyMapsToKnownPartition() {
        // murmur2("customer-42") as computed by Kafka, modulo 12
        byte[] key = "customer-42".getBytes(StandardCharsets.UTF_8);
        assertThat(partitioner.partition("t", BusRecord.of(key, null), 12)).isEqualTo(BuiltInPartitioner.partitionForKey(key, 12));
    }

    @Test
    void explicitPartitionIsHonouredAndCheckedAgainstTheTopic() {
        assertThat(partitioner.partition("t", BusRecord.of((byte[]) null, null).withPartition(3), 4)).isEqualTo(3);
        assertThatThrownBy(() -> partitioner.partition("t", BusRecord.of((byte[]) null, null).withPartition(4), 4))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("Partition 4 of topic 't' does not exist");
    }

    @Test
    void unkeyedRecordsStickToOnePartitionThenMove() {
        byte[] value = new byte[100];
        int first = partitioner.partition("t", BusRecord.of(null, value), 8);
        for (int i = 0; i < 50; i++) {
            assertThat(partitioner.partition("t", BusRecord.of(null, value), 8)).isEqualTo(first);
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            seen.add(partitioner.partition("t", BusRecord.of(null, value), 8));
        }
        assertThat(seen).hasSizeGreaterThan(4);
    }
}
