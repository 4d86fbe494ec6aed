package io.busbar.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Topic settings through kafka-clients 3.9.1: Kafka 4.1's names, their sources, changing them, LogAppendTime. */
class TopicSettingsTest {

    private static final ConfigResource ORDERS = new ConfigResource(ConfigResource.Type.TOPIC, "orders");

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

    private Config describe() throws Exception {
        return admin.describeConfigs(List.of(ORDERS)).all().get(30, TimeUnit.SECONDS).get(ORDERS);
    }

    @Test
    void acceptsKafkaSettingsAndDescribesEveryOneWithItsSource() throws Exception {
        // what Kafka Streams gives a repartition topic, plus a few more of Kafka 4.1's settings
        admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1).configs(Map.of(
                "message.timestamp.type", "CreateTime", "cleanup.policy", "delete", "retention.ms", "-1",
                "segment.bytes", "52428800", "min.insync.replicas", "1", "compression.type", "lz4"))))
                .all().get(30, TimeUnit.SECONDS);

        Config config = describe();
        assertThat(config.get("retention.ms").value()).isEqualTo("-1");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("compression.type").value()).isEqualTo("lz4");
        assertThat(config.get("compression.type").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("flush.messages").value()).isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(config.get("flush.messages").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("unclean.leader.election.enable").value()).isEqualTo("false");

        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("t2", 1, (short) 1)
                .configs(Map.of("retention.hours", "1")))).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("retention.hours");
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("t3", 1, (short) 1)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("one node");
    }

    @Test
    void incrementalAlterConfigsSetsDeletesAndAppendsAndTheChangeSurvivesARestart() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1).configs(Map.of("flush.ms", "1000"))))
                .all().get(30, TimeUnit.SECONDS);
        admin.incrementalAlterConfigs(Map.of(ORDERS, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("flush.ms", null), AlterConfigOp.OpType.DELETE),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND))))
                .all().get(30, TimeUnit.SECONDS);
        Config config = describe();
        assertThat(config.get("retention.ms").value()).isEqualTo("60000");
        assertThat(config.get("flush.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete,compact");
        assertThat(broker.bus().topic("orders").orElseThrow().config().compacted()).isTrue();

        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(ORDERS, List.of(new AlterConfigOp(
                new ConfigEntry("no.such.setting", "1"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no.such.setting");
        assertThat(describe().get("retention.ms").value()).isEqualTo("60000"); // a refused change changes nothing

        admin.close();
        broker.close();
        broker = TestBroker.start(dir);
        admin = Admin.create(broker.adminProps());
        assertThat(describe().get("retention.ms").value()).isEqualTo("60000");
        assertThat(describe().get("cleanup.policy").value()).isEqualTo("delete,compact");
    }

    @Test
    @SuppressWarnings("deprecation") // AlterConfigs, the older whole-set form, is what older tools still send
    void alterConfigsReplacesTheWholeSet() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1).configs(Map.of("flush.ms", "1000"))))
                .all().get(30, TimeUnit.SECONDS);
        admin.alterConfigs(Map.of(ORDERS, new Config(List.of(new ConfigEntry("segment.jitter.ms", "7")))))
                .all().get(30, TimeUnit.SECONDS);
        Config config = describe();
        assertThat(config.get("segment.jitter.ms").value()).isEqualTo("7");
        assertThat(config.get("flush.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void logAppendTimeStampsTheBrokersTimeInTheLogAndTheProduceResponse() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1)
                .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);
        long before = System.currentTimeMillis();
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producerProps())) {
            sent = producer.send(new ProducerRecord<>("orders", 0, 1_000L, "k", "v")).get(30, TimeUnit.SECONDS);
        }
        assertThat(sent.timestamp()).isBetween(before, System.currentTimeMillis());

        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.consumerProps(null))) {
            consumer.assign(List.of(new TopicPartition("orders", 0)));
            consumer.seekToBeginning(List.of(new TopicPartition("orders", 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSize(1);
        assertThat(records.get(0).timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(records.get(0).timestamp()).isEqualTo(sent.timestamp());
    }
}
