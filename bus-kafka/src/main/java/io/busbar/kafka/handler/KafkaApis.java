package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.codec.ApiVersionTable;
import io.busbar.kafka.security.ListenerSecurity;
import io.busbar.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.protocol.ApiKeys;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.UnaryOperator;

/**
 * The handler of every API the listener serves, wired to one embedded bus. Listener state (cluster id, producer id
 * blocks) lives in {@code <data dir>/kafka-listener/}. Thread-safe.
 */
public final class KafkaApis implements AutoCloseable {

    private final Map<ApiKeys, ApiHandler> handlers;
    private final TransactionCoordinator transactions;
    private final ListenerSecurity security;

    private KafkaApis(Map<ApiKeys, ApiHandler> handlers, TransactionCoordinator transactions, ListenerSecurity security) {
        this.handlers = Collections.unmodifiableMap(handlers);
        this.transactions = transactions;
        this.security = security;
    }

    public static KafkaApis create(EmbeddedBus bus, String advertisedHost, int advertisedPort) {
        return create(bus, advertisedHost, advertisedPort, ListenerSecurity.open(stateDir(bus)));
    }

    /** Where the listener keeps its state (cluster id, producer ids, SCRAM credentials, ACLs). */
    public static Path stateDir(EmbeddedBus bus) {
        return bus.config().dataDir().resolve("kafka-listener");
    }

    public static KafkaApis create(EmbeddedBus bus, String advertisedHost, int advertisedPort, ListenerSecurity security) {
        Path stateDir = stateDir(bus);
        BrokerIdentity broker = BrokerIdentity.load(stateDir, advertisedHost, advertisedPort);
        ProducerStateTable producers = new ProducerStateTable();
        Map<ApiKeys, ApiHandler> h = new EnumMap<>(ApiKeys.class);
        h.put(ApiKeys.METADATA, new MetadataHandler(bus, broker));
        h.put(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(broker));
        h.put(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, new DescribeTopicPartitionsHandler(bus, broker));
        TransactionCoordinator transactions = TransactionHandlers.register(bus, stateDir, producers,
                new ProducerIdAllocator(stateDir), h);
        h.put(ApiKeys.PRODUCE, new ProduceHandler(bus, producers, transactions));
        h.put(ApiKeys.FETCH, new FetchHandler(bus, new HighWatermarkWatch(), producers));
        h.put(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(bus, producers));
        h.put(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(bus));
        h.put(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(bus, producers));
        h.put(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(bus));
        h.put(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(bus));
        h.put(ApiKeys.ALTER_CONFIGS, new AlterConfigsHandler(bus));
        h.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsHandler(bus));
        h.put(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(bus, ForkJoinPool.commonPool())); // a small fsync each
        h.put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochHandler(bus));
        h.put(ApiKeys.DESCRIBE_LOG_DIRS, new DescribeLogDirsHandler(bus));
        GroupHandlers.register(bus, broker, h);
        SecurityHandlers.register(security, h);
        // ApiVersions last: it advertises exactly the APIs that have a handler
        h.put(ApiKeys.API_VERSIONS, null);
        ApiVersionTable table = new ApiVersionTable(h.keySet());
        h.put(ApiKeys.API_VERSIONS, new ApiVersionsHandler(table));
        return new KafkaApis(h, transactions, security);
    }

    /** Credentials, ACLs and the authorization step the handlers were built with. */
    public ListenerSecurity security() {
        return security;
    }

    /** The same APIs with every handler wrapped (e.g. timed for metrics). */
    public KafkaApis wrapped(UnaryOperator<Map<ApiKeys, ApiHandler>> wrapper) {
        return new KafkaApis(wrapper.apply(handlers), transactions, security);
    }

    public Map<ApiKeys, ApiHandler> handlers() {
        return handlers;
    }

    @Override
    public void close() {
        // other handlers hold no threads; pending long-polls end with their connections
        transactions.close();
    }
}
