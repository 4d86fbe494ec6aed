package io.busbar.bus.kafka;

import io.busbar.bus.Bus;
import io.busbar.bus.BusAdmin;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusProducer;
import io.busbar.bus.ConsumerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The bus on an Apache Kafka cluster: the same {@link Bus} API as the embedded bus, backed by kafka-clients, so
 * pipelines move from one machine to a cluster by configuration only. No local bus is started.
 *
 * <p>Producer defaults are the safe ones (idempotence, acks=all); consumer groups, committed offsets and rebalancing
 * are Kafka's own. Thread-safe.
 */
public final class KafkaClusterBus implements Bus {
    private static final Map<String, String> ASSIGNORS = Map.of(
            "range", "org.apache.kafka.clients.consumer.RangeAssignor",
            "roundrobin", "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            "cooperative-sticky", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
            "sticky", "org.apache.kafka.clients.consumer.StickyAssignor");

    private final KafkaBusConfig config;
    private final Admin admin;
    private final TopicAutoCreator topics;
    private final KafkaClusterProducer producer;
    private final KafkaClusterAdmin busAdmin;

    private KafkaClusterBus(KafkaBusConfig config) {
        this.config = config;
        this.admin = Admin.create(new HashMap<>(config.clientProperties()));
        this.busAdmin = new KafkaClusterAdmin(admin, config);
        this.topics = new TopicAutoCreator(busAdmin, config);
        try {
            // as the embedded bus does at open: sources load their positions from it before they ever store one
            this.topics.ensureCompacted(POSITIONS_TOPIC);
        } catch (RuntimeException e) {
            admin.close(java.time.Duration.ZERO); // do not wait out the failed call's own timeout a second time
            throw e;
        }
        this.producer = new KafkaClusterProducer(new KafkaProducer<>(producerProperties(config)), topics);
    }

    public static KafkaClusterBus connect(KafkaBusConfig config) {
        return new KafkaClusterBus(config);
    }

    public KafkaBusConfig config() {
        return config;
    }

    @Override
    public java.util.Optional<Map<String, Object>> kafkaClientProperties() {
        return java.util.Optional.of(Map.copyOf(config.clientProperties()));
    }

    @Override
    public BusProducer producer() {
        return producer;
    }

    @Override
    public BusConsumer consumer(ConsumerConfig consumerConfig) {
        return new KafkaClusterConsumer(new KafkaConsumer<>(consumerProperties(consumerConfig)), topics);
    }

    @Override
    public BusAdmin admin() {
        return busAdmin;
    }

    @Override
    public void close() {
        try {
            producer.close();
        } finally {
            admin.close();
        }
    }

    static Map<String, Object> producerProperties(KafkaBusConfig config) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("max.in.flight.requests.per.connection", "5");
        props.put("linger.ms", "1");
        props.putAll(config.producerOverrides());
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        return props;
    }

    Map<String, Object> consumerProperties(ConsumerConfig c) {
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        if (c.groupId() != null) {
            props.put("group.id", c.groupId());
        }
        props.put("client.id", c.clientId() + "-" + System.identityHashCode(c) + "-" + System.nanoTime() % 100000);
        props.put("auto.offset.reset", c.autoOffsetReset().name().toLowerCase());
        props.put("enable.auto.commit", Boolean.toString(c.enableAutoCommit()));
        props.put("auto.commit.interval.ms", Long.toString(c.autoCommitIntervalMs()));
        props.put("partition.assignment.strategy", assignorClasses(c.assignmentStrategies()));
        props.put("max.poll.records", Integer.toString(c.maxPollRecords()));
        props.put("max.poll.interval.ms", Long.toString(c.maxPollIntervalMs()));
        props.put("session.timeout.ms", Integer.toString(c.sessionTimeoutMs()));
        props.put("heartbeat.interval.ms", Integer.toString(c.heartbeatIntervalMs()));
        props.put("max.partition.fetch.bytes", Integer.toString(c.fetchMaxBytes()));
        props.putAll(config.consumerOverrides());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return props;
    }

    private static String assignorClasses(List<String> names) {
        return names.stream().map(n -> {
            String cls = ASSIGNORS.get(n);
            if (cls == null) {
                throw new io.busbar.bus.InvalidConfigException("Unknown assignment strategy '" + n + "': use one of " + ASSIGNORS.keySet());
            }
            return cls;
        }).collect(Collectors.joining(","));
    }
}
