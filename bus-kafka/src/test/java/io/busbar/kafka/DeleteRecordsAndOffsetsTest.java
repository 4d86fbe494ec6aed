package io.busbar.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** DeleteRecords, ListOffsets max-timestamp and OffsetDelete through the Kafka AdminClient 3.9.1. */
class DeleteRecordsAndOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("events", 0);

    @TempDir
    Path dir;
    private TestBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir);
        admin = Admin.create(broker.adminProps());
        admin.createTopics(List.of(new NewTopic("events", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            long[] timestamps = {1_000, 5_000, 3_000, 5_000, 2_000};
            for (long ts : timestamps) {
                producer.send(new ProducerRecord<>("events", 0, ts, "k", "v" + ts)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    private long offset(OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(P0, spec)).partitionResult(P0).get(30, TimeUnit.SECONDS).offset();
    }

    @Test
    void maxTimestampIsTheFirstRecordWithTheLargestTimestamp() throws Exception {
        var result = admin.listOffsets(Map.of(P0, OffsetSpec.maxTimestamp())).partitionResult(P0).get(30, TimeUnit.SECONDS);
        assertThat(result.offset()).isEqualTo(1);
        assertThat(result.timestamp()).isEqualTo(5_000);
    }

    @Test
    void deleteRecordsMovesTheLogStartDurably() throws Exception {
        long low = admin.deleteRecords(Map.of(P0, RecordsToDelete.beforeOffset(3))).lowWatermarks().get(P0)
                .get(30, TimeUnit.SECONDS).lowWatermark();
        assertThat(low).isEqualTo(3);
        assertThat(offset(OffsetSpec.earliest())).isEqualTo(3);
        assertThatThrownBy(() -> admin.deleteRecords(Map.of(P0, RecordsToDelete.beforeOffset(99))).all()
                .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(OffsetOutOfRangeException.class);

        admin.close();
        broker.close();
        broker = TestBroker.start(dir);
        admin = Admin.create(broker.adminProps());
        assertThat(offset(OffsetSpec.earliest())).isEqualTo(3);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.consumerProps(null))) {
            consumer.assign(List.of(P0));
            consumer.seekToBeginning(List.of(P0));
            List<Long> offsets = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> offsets.add(r.offset()));
                return offsets.size() >= 2;
            });
            assertThat(offsets).containsExactly(3L, 4L);
        }
    }

    @Test
    void offsetDeleteRemovesOffsetsOfTopicsNoMemberSubscribesTo() throws Exception {
        admin.alterConsumerGroupOffsets("g", Map.of(P0, new OffsetAndMetadata(2))).all().get(30, TimeUnit.SECONDS);
        admin.deleteConsumerGroupOffsets("g", Set.of(P0)).all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listConsumerGroupOffsets("g").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                .doesNotContainKey(P0);

        admin.alterConsumerGroupOffsets("g", Map.of(P0, new OffsetAndMetadata(2))).all().get(30, TimeUnit.SECONDS);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.consumerProps("g"))) {
            consumer.subscribe(List.of("events"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });
            assertThatThrownBy(() -> admin.deleteConsumerGroupOffsets("g", Set.of(P0)).all().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(GroupSubscribedToTopicException.class);
        }
    }

    @Test
    void describeLogDirsShowsTheDataDirectoryAndPartitionSizes() throws Exception {
        var dirs = admin.describeLogDirs(List.of(0)).allDescriptions().get(30, TimeUnit.SECONDS).get(0);
        assertThat(dirs).hasSize(1);
        var logDir = dirs.values().iterator().next();
        assertThat(dirs.keySet().iterator().next()).isEqualTo(dir.toAbsolutePath().toString());
        assertThat(logDir.replicaInfos().get(P0).size()).isEqualTo(broker.bus().partitionLog(
                new io.busbar.bus.TopicPartition("events", 0)).sizeInBytes()).isPositive();
        assertThat(logDir.totalBytes()).isPresent();
    }

    @Test
    void offsetForLeaderEpochEndsEpochZeroAtTheLogEnd() throws Exception {
        var topics = new org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        topics.add(new org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("events")
                .setPartitions(List.of(
                        new org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                                .setPartition(0).setLeaderEpoch(0).setCurrentLeaderEpoch(0),
                        new org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                                .setPartition(1).setLeaderEpoch(0).setCurrentLeaderEpoch(0))));
        try (RawKafkaClient raw = new RawKafkaClient(broker.listener().address())) {
            org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse response = raw.send(
                    org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest.Builder.forConsumer(topics), (short) 4);
            var partitions = response.data().topics().find("events").partitions();
            assertThat(partitions.get(0).errorCode()).isZero();
            assertThat(partitions.get(0).leaderEpoch()).isZero();
            assertThat(partitions.get(0).endOffset()).isEqualTo(5);
            assertThat(partitions.get(1).errorCode()).isEqualTo(org.apache.kafka.common.protocol.Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }
}
