package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.codec.ApiVersionTable;
import io.busbar.kafka.txn.TransactionCoordinator;
import org.apache.kafka.common.protocol.ApiKeys;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The handler of every API the listener serves, wired to one embedded bus. Listener state (cluster id, producer id
 * blocks) lives in {@code <data dir>/kafka-listener/}. Thread-safe.
 */
public final class KafkaApis implements AutoCloseable {

    private final Map<ApiKeys, ApiHandler> handlers;
    private final TransactionCoordinator transactions;

    private KafkaApis(Map<ApiKeys, ApiHandler> handlers, TransactionCoordinator transactions) {
        this.handlers = Collections.unmodifiableMap(handlers);
        this.transactions = transactions;
    }

    public static KafkaApis create(EmbeddedBus bus, String advertisedHost, int advertisedPort) {
        Path stateDir = bus.config().dataDir().resolve("kafka-listener");
        BrokerIdentity broker = BrokerIdentity.load(stateDir, advertisedHost, advertisedPort);
        ProducerStateTable producers = new ProducerStateTable();
        Map<ApiKeys, ApiHandler> h = new EnumMap<>(ApiKeys.class);
        h.put(ApiKeys.METADATA, new MetadataHandler(bus, broker));
        h.put(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(broker));
        TransactionCoordinator transactions = TransactionHandlers.register(bus, stateDir, producers,
                new ProducerIdAllocator(stateDir), h);
        h.put(ApiKeys.PRODUCE, new ProduceHandler(bus, producers, transactions));
        h.put(ApiKeys.FETCH, new FetchHandler(bus, new HighWatermarkWatch(), producers));
        h.put(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(bus, producers));
        h.put(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(bus));
        h.put(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(bus, producers));
        h.put(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(bus));
        h.put(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(bus));
        GroupHandlers.register(bus, broker, h);
        // ApiVersions last: it advertises exactly the APIs that have a handler
        h.put(ApiKeys.API_VERSIONS, null);
        ApiVersionTable table = new ApiVersionTable(h.keySet());
        h.put(ApiKeys.API_VERSIONS, new ApiVersionsHandler(table));
        return new KafkaApis(h, transactions);
    }

    /** The same APIs with every handler wrapped (e.g. timed for metrics). */
    public KafkaApis wrapped(UnaryOperator<Map<ApiKeys, ApiHandler>> wrapper) {
        return new KafkaApis(wrapper.apply(handlers), transactions);
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
