package io.busbar.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Kafka AdminClient 3.9.1 against the listener: topics, configs, cluster, offsets, groups. */
class AdminClientTest {

    @TempDir
    Path dir;
    private TestBroker broker;
    private Admin admin;

    @BeforeEach
    void start() {
        broker = TestBroker.start(dir);
        admin = Admin.create(broker.adminProps());
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void createsDescribesGrowsAndDeletesTopics() throws Exception {
        admin.createTopics(List.of(new NewTopic("t1", 3, (short) 1).configs(Map.of("retention.ms", "60000"))))
                .all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("t1");

        TopicDescription d = admin.describeTopics(List.of("t1")).allTopicNames().get(30, TimeUnit.SECONDS).get("t1");
        assertThat(d.partitions()).hasSize(3);
        assertThat(d.topicId().toString()).isEqualTo(
                org.apache.kafka.common.Uuid.class.cast(new org.apache.kafka.common.Uuid(
                        broker.bus().topic("t1").orElseThrow().topicId().getMostSignificantBits(),
                        broker.bus().topic("t1").orElseThrow().topicId().getLeastSignificantBits())).toString());
        assertThat(d.partitions().get(0).leader().port()).isEqualTo(broker.listener().address().getPort());

        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "t1")))
                .all().get(30, TimeUnit.SECONDS).values().iterator().next();
        assertThat(config.get("retention.ms").value()).isEqualTo("60000");
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");

        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("t1", 1, (short) 1))).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TopicExistsException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("t2", 1, (short) 3))).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("t3", 1, (short) 1)
                .configs(Map.of("no.such.setting", "1")))).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("no.such.setting");

        admin.createPartitions(Map.of("t1", NewPartitions.increaseTo(5))).all().get(30, TimeUnit.SECONDS);
        assertThat(broker.bus().topic("t1").orElseThrow().partitions()).isEqualTo(5);

        admin.deleteTopics(List.of("t1")).all().get(30, TimeUnit.SECONDS);
        assertThat(broker.bus().topic("t1")).isEmpty();
        assertThatThrownBy(() -> admin.deleteTopics(List.of("t1")).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void describesTheOneNodeCluster() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        assertThat(cluster.controller().get(30, TimeUnit.SECONDS).id()).isZero();
        String id = cluster.clusterId().get(30, TimeUnit.SECONDS);
        assertThat(id).isNotBlank();
    }

    @Test
    void listsEarliestLatestAndByTimestampOffsets() throws Exception {
        admin.createTopics(List.of(new NewTopic("clock", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("clock", 0, 1_000L * (i + 1), "k", "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition("clock", 0);
        assertThat(offset(tp, OffsetSpec.earliest())).isZero();
        assertThat(offset(tp, OffsetSpec.latest())).isEqualTo(10);
        ListOffsetsResult.ListOffsetsResultInfo at = admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(4_500)))
                .partitionResult(tp).get(30, TimeUnit.SECONDS);
        assertThat(at.offset()).isEqualTo(4);
        assertThat(at.timestamp()).isEqualTo(5_000);
        assertThat(offset(tp, OffsetSpec.forTimestamp(99_000))).isEqualTo(-1);
    }

    private long offset(TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }

    @Test
    void listsDescribesAndDeletesConsumerGroups() throws Exception {
        admin.createTopics(List.of(new NewTopic("g-topic", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            producer.send(new ProducerRecord<>("g-topic", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.consumerProps("admin-group"))) {
            consumer.subscribe(List.of("g-topic"));
            await().atMost(Duration.ofSeconds(60)).until(() -> !consumer.poll(Duration.ofMillis(100)).isEmpty());
            consumer.commitSync();
            assertThat(admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS))
                    .anySatisfy(g -> assertThat(g.groupId()).isEqualTo("admin-group"));
            var description = admin.describeConsumerGroups(List.of("admin-group")).all().get(30, TimeUnit.SECONDS)
                    .get("admin-group");
            assertThat(description.members()).hasSize(1);
            assertThat(description.members().iterator().next().assignment().topicPartitions()).hasSize(2);
            assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("admin-group")).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupNotEmptyException.class);
        }
        admin.deleteConsumerGroups(List.of("admin-group")).all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                .isEmpty();
    }
}
