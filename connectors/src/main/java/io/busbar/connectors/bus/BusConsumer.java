package io.busbar.connectors.bus;

import io.busbar.bus.Bus;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Consumes a topic in a consumer group: {@code concurrency} members, each a {@link BusPoller} on its own thread
 * with its own bus consumer, like camel-kafka's {@code consumersCount}. Each record becomes an exchange whose body
 * is the value (byte[]) and whose headers are the record's own headers (as the filter strategy allows, values as
 * UTF-8 text) plus {@code bus.KEY}, {@code bus.TOPIC}, {@code bus.PARTITION}, {@code bus.OFFSET} and
 * {@code bus.TIMESTAMP}. Thread-safe.
 */
public class BusConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(BusConsumer.class);

    private final BusEndpoint endpoint;
    private final BusConfiguration configuration;
    private final List<ConsumerMember> pollers = new ArrayList<>();
    private ExecutorService executor;

    public BusConsumer(BusEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.configuration = endpoint.getConfiguration();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        Bus bus = endpoint.bus();
        BusAccessCheck access = endpoint.getComponent().getAccessCheck();
        access.check(BusAccessCheck.Operation.READ, "topic", configuration.getTopic());
        access.check(BusAccessCheck.Operation.READ, "group", configuration.getGroupId());
        access.check(BusAccessCheck.Operation.WRITE, "topic", configuration.effectiveDeadLetterTopic());
        TopicCreation.ensureTopic(endpoint, configuration.getTopic());
        TopicCreation.ensureDeadLetterTopic(endpoint);
        int members = configuration.getConcurrency();
        executor = endpoint.getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "bus:" + configuration.getTopic() + "[" + configuration.getGroupId() + "]", members);
        String clientIdBase = configuration.getClientId() != null ? configuration.getClientId()
                : (getRouteId() != null ? getRouteId() : configuration.getGroupId());
        java.util.Map<String, Object> kafkaClients = configuration.isExactlyOnce() ? exactlyOnceClients(bus) : null;
        for (int i = 0; i < members; i++) {
            ConsumerMember poller = configuration.isExactlyOnce()
                    ? new ExactlyOncePoller(kafkaClients, configuration, clientIdBase + "-" + i,
                            transactionalIdPrefix() + "-" + i, this::toExchange,
                            exchange -> releaseExchange(exchange, false), getAsyncProcessor())
                    : new BusPoller(bus, configuration, clientIdBase + "-" + i, this::toExchange,
                            exchange -> releaseExchange(exchange, false), getAsyncProcessor(), getExceptionHandler());
            pollers.add(poller);
            executor.submit(poller);
        }
    }

    /** How the exactly-once members reach the bus's Kafka transactions; a clear error when nothing serves them. */
    private java.util.Map<String, Object> exactlyOnceClients(Bus bus) {
        return bus.kafkaClientProperties().orElseThrow(() -> new IllegalStateException("bus:" + configuration.getTopic()
                + "?exactlyOnce=true needs the bus's Kafka transactions, and no Kafka listener serves this bus: start"
                + " one (busbar.kafka.listener, a PLAINTEXT listener; it is on by default in busbar run) or run on a"
                + " Kafka cluster (busbar.bus.backend=kafka)"));
    }

    private String transactionalIdPrefix() {
        return configuration.getTransactionalId() != null && !configuration.getTransactionalId().isBlank()
                ? configuration.getTransactionalId()
                : "busbar-" + configuration.getGroupId() + "-" + configuration.getTopic();
    }

    @Override
    protected void doStop() throws Exception {
        pollers.forEach(ConsumerMember::stop);
        long wait = configuration.getShutdownTimeoutMs() + 5_000;
        for (ConsumerMember poller : pollers) {
            if (!poller.awaitFinished(wait)) {
                LOG.warn("A consumer of bus:{} did not stop within {} ms", configuration.getTopic(), wait);
            }
        }
        pollers.clear();
        if (executor != null) {
            endpoint.getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        super.doStop();
    }

    Exchange toExchange(ConsumedRecord record) {
        Exchange exchange = createExchange(false);
        Message message = exchange.getIn();
        HeaderFilterStrategy filter = configuration.getHeaderFilterStrategy();
        for (Header h : record.headers()) {
            String value = h.valueAsString();
            if (filter == null || !filter.applyFilterToExternalHeaders(h.key(), value, exchange)) {
                message.setHeader(h.key(), value);
            }
        }
        message.setHeader(BusConstants.KEY, record.keyAsString());
        message.setHeader(BusConstants.TOPIC, record.topic());
        message.setHeader(BusConstants.PARTITION, record.partition());
        message.setHeader(BusConstants.OFFSET, record.offset());
        message.setHeader(BusConstants.TIMESTAMP, record.timestamp());
        message.setBody(record.value());
        return exchange;
    }
}
