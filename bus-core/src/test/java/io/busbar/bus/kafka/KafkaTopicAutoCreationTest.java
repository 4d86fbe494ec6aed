package io.busbar.bus.kafka;

import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A producer's first sends to a topic Busbar has just auto-created, pipelined to every partition at once, are all
 * acknowledged. On a Kafka 3 broker a send that reaches the leader before it has applied the new partition gets
 * NOT_LEADER_OR_FOLLOWER, and each idempotent retry then OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout
 * (KAFKA-15591): auto-creation must not hand the topic over before its leaders serve it.
 */
class KafkaTopicAutoCreationTest {
    private static final int TOPICS = 30;
    private static final int PARTITIONS = 4;
    private static final int RECORDS_PER_PARTITION = 25;

    @Test
    void firstSendsToFreshlyAutoCreatedTopicsAreAllAcknowledged() throws Exception {
        String servers = KafkaBrokerProcess.shared(KafkaBrokerProcess.Line.KAFKA_3).bootstrapServers();
        try (Bus bus = Bus.kafka(KafkaBusConfig.of(servers).withDefaultPartitions(PARTITIONS))) {
            for (int t = 0; t < TOPICS; t++) {
                String topic = "fresh-" + System.nanoTime() + "-" + t;
                List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        sends.add(bus.producer().send(topic, BusRecord.of("k" + i, "v" + i).withPartition(p)));
                    }
                }
                for (CompletableFuture<RecordMetadata> send : sends) {
                    // far below the producer's 120 s delivery timeout, far above a healthy send on loopback
                    assertThat(send.get(20, TimeUnit.SECONDS).topic()).isEqualTo(topic);
                }
                assertThat(bus.admin().describeTopic(topic).partitions())
                        .as("partitions of %s", topic).hasSize(PARTITIONS)
                        .allSatisfy(p -> assertThat(p.endOffset()).isEqualTo(RECORDS_PER_PARTITION));
            }
        }
    }
}
