package io.busbar.kafka.txn;

import io.busbar.kafka.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A transaction whose decision was durable but whose markers were not written when Busbar stopped (the state a crash
 * between PrepareCommit/PrepareAbort and the markers leaves) is completed on the next start: markers, offsets, state.
 */
class InDoubtTransactionRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aDecidedCommitIsCompletedOnStart() throws Exception {
        assertThat(recover(TransactionState.PREPARE_COMMIT)).containsExactly("in-doubt-0", "in-doubt-1", "in-doubt-2");
    }

    @Test
    void aDecidedAbortIsCompletedOnStart() throws Exception {
        assertThat(recover(TransactionState.PREPARE_ABORT)).isEmpty();
    }

    /** Leaves an open transaction, marks it decided in the state file, restarts; returns what read_committed sees. */
    private List<String> recover(TransactionState decision) throws Exception {
        TopicPartition tp = new TopicPartition("in-doubt", 0);
        TopicPartition consumed = new TopicPartition("source", 0);
        TestBroker broker = TestBroker.start(dir);
        KafkaProducer<String, String> producer;
        try (Admin admin = Admin.create(broker.adminProps())) {
            admin.createTopics(List.of(new NewTopic("in-doubt", 1, (short) 1), new NewTopic("source", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            Properties p = broker.producerProps();
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "in-doubt-tx");
            producer = new KafkaProducer<>(p);
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("in-doubt", 0, "k", "in-doubt-" + i)).get();
            }
            producer.sendOffsetsToTransaction(Map.of(consumed, new OffsetAndMetadata(42)), new ConsumerGroupMetadata("in-doubt-group"));
        } finally {
            broker.close(); // the producer never ends its transaction
        }
        TransactionStateFile file = new TransactionStateFile(dir.resolve("kafka-listener"));
        List<TransactionMetadata> state = file.load();
        assertThat(state).singleElement().satisfies(m -> {
            assertThat(m.state).isEqualTo(TransactionState.ONGOING);
            assertThat(m.partitions).containsExactly(new io.busbar.bus.TopicPartition("in-doubt", 0));
        });
        state.get(0).state = decision;
        file.write(state);

        broker = TestBroker.start(dir);
        try (Admin admin = Admin.create(broker.adminProps())) {
            String complete = decision == TransactionState.PREPARE_COMMIT ? "CompleteCommit" : "CompleteAbort";
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.describeTransactions(List.of("in-doubt-tx")).all().get()
                    .get("in-doubt-tx").state().toString().equals(complete));
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("in-doubt-group")
                    .partitionsToOffsetAndMetadata().get();
            if (decision == TransactionState.PREPARE_COMMIT) {
                assertThat(offsets.get(consumed).offset()).isEqualTo(42);
            } else {
                assertThat(offsets).doesNotContainKey(consumed);
            }
            Properties c = broker.consumerProps(null);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<String> seen = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                assertThat(end).as("the last stable offset is past the marker").isEqualTo(4);
                while (consumer.position(tp) < end) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        seen.add(r.value());
                    }
                }
            }
            return seen;
        } finally {
            producer.close(Duration.ZERO);
            broker.close();
        }
    }
}
