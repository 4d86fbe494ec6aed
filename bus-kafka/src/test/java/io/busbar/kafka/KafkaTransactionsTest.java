package io.busbar.kafka;

import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Transactional kafka-clients 3.9.1 producers and read_committed consumers against the listener. */
class KafkaTransactionsTest {

    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(dir);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(broker.adminProps())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<String, String> transactional(String id) {
        Properties p = broker.producerProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        KafkaProducer<String, String> producer = new KafkaProducer<>(p);
        producer.initTransactions();
        return producer;
    }

    private KafkaConsumer<String, String> consumer(String group, IsolationLevel isolation) {
        Properties p = broker.consumerProps(group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        return new KafkaConsumer<>(p);
    }

    /** Reads everything a consumer sees until {@code quietMs} pass without a record. */
    private static List<String> drain(KafkaConsumer<String, String> consumer, Collection<org.apache.kafka.common.TopicPartition> tps,
                                      long quietMs) {
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        List<String> values = new ArrayList<>();
        long lastRecord = System.currentTimeMillis();
        while (System.currentTimeMillis() - lastRecord < quietMs) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                values.add(r.value());
                lastRecord = System.currentTimeMillis();
            }
        }
        return values;
    }

    @Test
    void readCommittedSeesCommittedTransactionsOnlyAndReadUncommittedSeesBoth() throws Exception {
        createTopic("txn-orders", 2);
        try (KafkaProducer<String, String> producer = transactional("orders-tx")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-orders", 0, "k", "committed-1"));
            producer.send(new ProducerRecord<>("txn-orders", 1, "k", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-orders", 0, "k", "aborted-1"));
            producer.send(new ProducerRecord<>("txn-orders", 1, "k", "aborted-2"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-orders", 0, "k", "committed-3"));
            producer.commitTransaction();
        }
        var tps = List.of(new org.apache.kafka.common.TopicPartition("txn-orders", 0),
                new org.apache.kafka.common.TopicPartition("txn-orders", 1));
        try (KafkaConsumer<String, String> c = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertThat(drain(c, tps, 1500)).containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
        }
        try (KafkaConsumer<String, String> c = consumer(null, IsolationLevel.READ_UNCOMMITTED)) {
            assertThat(drain(c, tps, 1500)).containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3",
                    "aborted-1", "aborted-2");
        }
        // the bus's own consumers skip the markers (they read uncommitted, like read_uncommitted)
        try (BusConsumer bc = broker.bus().consumer(io.busbar.bus.ConsumerConfig.builder().groupId("bus-reader")
                .autoOffsetReset(io.busbar.bus.OffsetResetPolicy.EARLIEST).build())) {
            bc.assign(Set.of(new TopicPartition("txn-orders", 0)));
            List<String> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumedRecord r : bc.poll(Duration.ofMillis(100))) {
                    got.add(new String(r.value()));
                }
                return got.size() >= 3;
            });
            assertThat(got).containsExactly("committed-1", "aborted-1", "committed-3");
        }
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetAndReadCommittedWaitsForTheCommit() throws Exception {
        createTopic("txn-open", 1);
        var tp = new org.apache.kafka.common.TopicPartition("txn-open", 0);
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(broker.producerProps());
             KafkaProducer<String, String> producer = transactional("open-tx");
             Admin admin = Admin.create(broker.adminProps())) {
            plain.send(new ProducerRecord<>("txn-open", 0, "k", "before")).get();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-open", 0, "k", "inside")).get();
            plain.send(new ProducerRecord<>("txn-open", 0, "k", "after")).get();

            Map<org.apache.kafka.common.TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> committed = admin
                    .listOffsets(Map.of(tp, OffsetSpec.latest()),
                            new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            Map<org.apache.kafka.common.TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> uncommitted = admin
                    .listOffsets(Map.of(tp, OffsetSpec.latest())).all().get();
            assertThat(committed.get(tp).offset()).isEqualTo(1); // stable up to "before"
            assertThat(uncommitted.get(tp).offset()).isEqualTo(3);

            List<TransactionListing> listed = new ArrayList<>(admin.listTransactions().all().get());
            assertThat(listed).anySatisfy(l -> {
                assertThat(l.transactionalId()).isEqualTo("open-tx");
                assertThat(l.state().toString()).isEqualTo("Ongoing");
            });
            TransactionDescription described = admin.describeTransactions(List.of("open-tx")).all().get().get("open-tx");
            assertThat(described.topicPartitions()).containsExactly(tp);
            assertThat(described.transactionTimeoutMs()).isEqualTo(60_000);

            try (KafkaConsumer<String, String> c = consumer(null, IsolationLevel.READ_COMMITTED)) {
                assertThat(drain(c, List.of(tp), 1000)).containsExactly("before");
                producer.commitTransaction();
                List<String> rest = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    c.poll(Duration.ofMillis(100)).forEach(r -> rest.add(r.value()));
                    return rest.size() >= 2;
                });
                assertThat(rest).containsExactly("inside", "after");
            }
        }
    }

    @Test
    void aNewProducerWithTheSameTransactionalIdFencesTheOldOneAndAbortsItsTransaction() throws Exception {
        createTopic("txn-fence", 1);
        var tp = new org.apache.kafka.common.TopicPartition("txn-fence", 0);
        KafkaProducer<String, String> zombie = transactional("fence-tx");
        try {
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>("txn-fence", 0, "k", "zombie")).get();
            try (KafkaProducer<String, String> successor = transactional("fence-tx")) {
                assertThatThrownBy(() -> {
                    zombie.send(new ProducerRecord<>("txn-fence", 0, "k", "zombie-2")).get();
                    zombie.commitTransaction();
                }).satisfiesAnyOf(
                        e -> assertThat(e).hasRootCauseInstanceOf(ProducerFencedException.class),
                        e -> assertThat(e).hasRootCauseInstanceOf(InvalidProducerEpochException.class),
                        e -> assertThat(e).isInstanceOf(ProducerFencedException.class),
                        e -> assertThat(e).isInstanceOf(org.apache.kafka.common.KafkaException.class));
                successor.beginTransaction();
                successor.send(new ProducerRecord<>("txn-fence", 0, "k", "successor")).get();
                successor.commitTransaction();
            }
        } finally {
            zombie.close(Duration.ZERO);
        }
        try (KafkaConsumer<String, String> c = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertThat(drain(c, List.of(tp), 1500)).containsExactly("successor");
        }
    }

    @Test
    void consumedOffsetsCommitWithTheTransactionAndNotWhenItAborts() throws Exception {
        createTopic("txn-in", 1);
        createTopic("txn-out", 1);
        var in = new org.apache.kafka.common.TopicPartition("txn-in", 0);
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(broker.producerProps())) {
            for (int i = 0; i < 10; i++) {
                plain.send(new ProducerRecord<>("txn-in", 0, "k", "in-" + i));
            }
        }
        try (KafkaProducer<String, String> producer = transactional("ctp-tx");
             KafkaConsumer<String, String> consumer = consumer("ctp-group", IsolationLevel.READ_COMMITTED);
             Admin admin = Admin.create(broker.adminProps())) {
            consumer.subscribe(List.of("txn-in"));
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                return read.size() >= 10;
            });
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-out", "k", "out"));
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(5)), consumer.groupMetadata());
            producer.abortTransaction();
            assertThat(admin.listConsumerGroupOffsets("ctp-group").partitionsToOffsetAndMetadata().get()).doesNotContainKey(in);

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-out", "k", "out"));
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(10)), consumer.groupMetadata());
            // not visible before the commit
            assertThat(admin.listConsumerGroupOffsets("ctp-group").partitionsToOffsetAndMetadata().get()).doesNotContainKey(in);
            producer.commitTransaction();
            assertThat(admin.listConsumerGroupOffsets("ctp-group").partitionsToOffsetAndMetadata().get().get(in).offset())
                    .isEqualTo(10);
        }
    }

    @Test
    void anExpiredTransactionIsAbortedAndItsProducerFenced() throws Exception {
        createTopic("txn-expire", 1);
        var tp = new org.apache.kafka.common.TopicPartition("txn-expire", 0);
        Properties p = broker.producerProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "expire-tx");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "1000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-expire", 0, "k", "late")).get();
            try (Admin admin = Admin.create(broker.adminProps())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> admin.describeTransactions(List.of("expire-tx")).all().get()
                        .get("expire-tx").state().toString().equals("CompleteAbort"));
            }
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(org.apache.kafka.common.KafkaException.class);
        }
        try (KafkaConsumer<String, String> c = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertThat(drain(c, List.of(tp), 1000)).isEmpty();
        }
    }

    @Test
    void transactionsAndTheirOutcomesSurviveARestart() throws Exception {
        createTopic("txn-restart", 1);
        var tp = new org.apache.kafka.common.TopicPartition("txn-restart", 0);
        try (KafkaProducer<String, String> producer = transactional("restart-tx")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-restart", 0, "k", "kept"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-restart", 0, "k", "dropped"));
            producer.abortTransaction();
        }
        broker.close();
        broker = TestBroker.start(dir);
        try (KafkaConsumer<String, String> c = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertThat(drain(c, List.of(tp), 1500)).containsExactly("kept");
        }
        try (KafkaProducer<String, String> producer = transactional("restart-tx")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-restart", 0, "k", "again"));
            producer.commitTransaction();
        }
        try (KafkaConsumer<String, String> c = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertThat(drain(c, List.of(tp), 1500)).containsExactly("kept", "again");
        }
    }
}
