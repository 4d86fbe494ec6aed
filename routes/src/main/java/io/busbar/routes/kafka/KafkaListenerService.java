package io.busbar.routes.kafka;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.KafkaListener;
import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.routes.BusbarService;
import io.busbar.routes.ConfigKey;
import io.busbar.routes.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs bus-kafka's Kafka wire listener beside the pipelines, on the runtime's bus, so Kafka clients and tools
 * (kafka-console-*, kcat, any Kafka client library) can produce and consume. On by default on 127.0.0.1:9092;
 * {@code busbar.kafka.enabled=false} turns it off. With a Kafka cluster as the bus backend there is nothing to
 * serve (clients talk to the cluster), so it stays off. Not thread-safe: the runtime calls start and stop once.
 */
public final class KafkaListenerService implements BusbarService {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaListenerService.class);

    static final ConfigKey ENABLED = ConfigKey.bool(KafkaListenerConfig.ENABLED, true,
            "Start the Kafka wire-protocol listener, so Kafka clients can use the bus.");
    static final ConfigKey LISTENER = ConfigKey.string(KafkaListenerConfig.LISTENER, "127.0.0.1:9092",
            "host:port the Kafka listener binds (port 0: any free port).");
    static final ConfigKey ADVERTISED = ConfigKey.string(KafkaListenerConfig.ADVERTISED_LISTENER, null,
            "host:port Kafka clients are told to connect to (default: the listener's address).");
    static final ConfigKey MAX_REQUEST_BYTES = ConfigKey.integer(KafkaListenerConfig.MAX_REQUEST_BYTES,
            KafkaListenerConfig.DEFAULT.maxRequestBytes(), 1024, "Largest Kafka request accepted; larger ones close the connection.");
    static final ConfigKey IDLE_MS = ConfigKey.longValue(KafkaListenerConfig.CONNECTIONS_MAX_IDLE_MS,
            KafkaListenerConfig.DEFAULT.connectionsMaxIdleMs(), 1, "Kafka connections idle for this long are closed.");
    static final ConfigKey ZERO_COPY = ConfigKey.bool(KafkaListenerConfig.ZERO_COPY, true,
            "Send fetched records straight from the segment files (sendfile).");

    private KafkaListener listener;
    private Runnable unregisterMetrics = () -> { };

    @Override
    public String name() {
        return "kafka-listener";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(ENABLED, LISTENER, ADVERTISED, MAX_REQUEST_BYTES, IDLE_MS, ZERO_COPY);
    }

    @Override
    public void start(ServiceContext context) {
        if (!context.settings().getBoolean(ENABLED)) {
            return;
        }
        if (!(context.bus() instanceof EmbeddedBus embedded)) {
            LOG.info("Kafka listener not started: the bus is not the embedded one (Kafka clients use the cluster directly)");
            return;
        }
        Map<String, String> props = new HashMap<>();
        for (ConfigKey key : configKeys()) {
            String value = context.settings().get(key);
            if (value != null) {
                props.put(key.name(), value);
            }
        }
        listener = KafkaListener.start(embedded, KafkaListenerConfig.fromProperties(props));
        KafkaRequestCollector collector = new KafkaRequestCollector(listener.requestMetrics());
        context.metrics().getPrometheusRegistry().register(collector);
        unregisterMetrics = () -> context.metrics().getPrometheusRegistry().unregister(collector);
    }

    @Override
    public void stop() {
        if (listener != null) {
            unregisterMetrics.run();
            listener.close();
            listener = null;
        }
    }

    @Override
    public List<String> endpoints() {
        return listener == null ? List.of() : List.of("kafka://" + listener.bootstrapServers());
    }
}
