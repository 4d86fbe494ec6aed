package io.busbar.bus.kafka;

import io.busbar.bus.Bus;
import io.busbar.bus.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several Busbar instances starting together create the same topics (a dead-letter topic, an election topic) at
 * the same moment: each must get the topic's description, also those that lost the race and ask a broker that has
 * not yet heard of the topic. On a 3-node cluster, where that happens (a single broker hides it).
 */
class KafkaConcurrentTopicCreationTest {

    private static final int INSTANCES = 4;
    private static final int ROUNDS = 10;

    @TempDir
    Path dir;

    @Test
    void instancesCreatingTheSameTopicTogetherAllGetItsDescription() throws Exception {
        List<Bus> buses = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
        try (KafkaClusterProcess cluster = KafkaClusterProcess.start(dir, 3)) {
            for (int i = 0; i < INSTANCES; i++) {
                buses.add(Bus.kafka(KafkaBusConfig.of(cluster.bootstrapServers()).withReplicationFactor((short) 3)));
            }
            for (int round = 0; round < ROUNDS; round++) {
                String topic = "race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<TopicDescription>> calls = new ArrayList<>();
                for (Bus bus : buses) {
                    calls.add(CompletableFuture.supplyAsync(() -> {
                        awaitQuietly(go);
                        return bus.admin().createTopicIfAbsent(topic, 2, Map.of());
                    }, pool));
                }
                go.countDown();
                for (CompletableFuture<TopicDescription> call : calls) {
                    TopicDescription description = call.get(60, TimeUnit.SECONDS);
                    assertThat(description.name()).isEqualTo(topic);
                    assertThat(description.partitions()).hasSize(2);
                }
            }
        } finally {
            pool.shutdownNow();
            buses.forEach(Bus::close);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before the start signal", e);
        }
    }
}
