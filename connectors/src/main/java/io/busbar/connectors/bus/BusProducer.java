package io.busbar.connectors.bus;

import io.busbar.bus.BusRecord;
import io.busbar.bus.Header;
import io.busbar.bus.RecordMetadata;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultAsyncProducer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;

/**
 * Appends each exchange to the endpoint's topic as a record: the body becomes the value ({@link RecordValueEncoder}),
 * the key comes from the {@code key} expression or the {@code bus.KEY} header, and the user's own headers become
 * record headers. Asynchronous: the exchange continues — on the worker pool, never on the bus's log threads — only
 * once the bus reports the record durable, with
 * {@code bus.PARTITION}, {@code bus.OFFSET} and {@code bus.TIMESTAMP} set, or with the bus's exception.
 * Thread-safe: exchanges from many threads may be produced at once.
 */
public class BusProducer extends DefaultAsyncProducer {

    private final BusEndpoint endpoint;
    private final BusConfiguration configuration;
    private Expression keyExpression;
    private RecordValueEncoder valueEncoder;
    private io.busbar.bus.BusProducer busProducer;
    private java.util.concurrent.Executor continuation;
    /** Topics the access check allowed this producer to write (checked once each). */
    private final java.util.Set<String> allowedTopics = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Topics the exactly-once path has made sure exist (it writes through Kafka, not the bus producer). */
    private final java.util.Set<String> topicsKnownToExist = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public BusProducer(BusEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.configuration = endpoint.getConfiguration();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (configuration.getKey() != null && !configuration.getKey().isBlank()) {
            keyExpression = getEndpoint().getCamelContext().resolveLanguage("simple")
                    .createExpression(configuration.getKey());
            keyExpression.init(getEndpoint().getCamelContext());
        }
        valueEncoder = new RecordValueEncoder(configuration.getValueFormat(), endpoint.getEndpointUri());
        endpoint.getComponent().getAccessCheck().check(BusAccessCheck.Operation.WRITE, "topic", configuration.getTopic());
        allowedTopics.add(configuration.getTopic());
        TopicCreation.ensureTopic(endpoint, configuration.getTopic());
        busProducer = endpoint.bus().producer();
        continuation = configuration.getWorkerPool() != null ? configuration.getWorkerPool()
                : endpoint.getComponent().sharedContinuations();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletableFuture<RecordMetadata> sent;
        try {
            Message message = exchange.getMessage();
            String topic = message.getHeader(BusConstants.OVERRIDE_TOPIC, String.class);
            if (topic != null) {
                message.removeHeader(BusConstants.OVERRIDE_TOPIC);
                if (!allowedTopics.contains(topic)) {
                    endpoint.getComponent().getAccessCheck().check(BusAccessCheck.Operation.WRITE, "topic", topic);
                    allowedTopics.add(topic);
                }
            } else {
                topic = configuration.getTopic();
            }
            BusRecord record = new BusRecord(null, key(exchange), valueEncoder.encode(exchange),
                    headers(exchange), BusRecord.NO_TIMESTAMP);
            BusTransaction transaction = exchange.getProperty(BusTransaction.PROPERTY, BusTransaction.class);
            if (transaction != null) {
                // an exactly-once consumer's exchange: the record joins its transaction, committed with the offsets;
                // its position is known only then, so no bus.PARTITION/OFFSET headers here
                if (topicsKnownToExist.add(topic)) {
                    endpoint.bus().admin().ensureTopicForProduce(topic); // the bus producer's auto-creation, bypassed
                }
                transaction.send(topic, record.key(), record.value(), record.headers());
                callback.done(true);
                return true;
            }
            sent = busProducer.send(topic, record);
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        // the rest of the route runs on the worker pool, never on the bus's own (log) thread that completed the send
        sent.whenCompleteAsync((metadata, error) -> {
            if (error != null) {
                exchange.setException(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            } else {
                Message message = exchange.getMessage();
                message.setHeader(BusConstants.TOPIC, metadata.topic());
                message.setHeader(BusConstants.PARTITION, metadata.partition());
                message.setHeader(BusConstants.OFFSET, metadata.offset());
                message.setHeader(BusConstants.TIMESTAMP, metadata.timestamp());
            }
            callback.done(false);
        }, continuation);
        return false;
    }

    private byte[] key(Exchange exchange) throws Exception {
        Object key = keyExpression != null
                ? keyExpression.evaluate(exchange, Object.class)
                : exchange.getMessage().getHeader(BusConstants.KEY);
        return toBytes(exchange, key);
    }

    /** The user's headers, as the filter strategy allows; values as UTF-8 text unless already bytes. */
    private List<Header> headers(Exchange exchange) throws Exception {
        HeaderFilterStrategy filter = configuration.getHeaderFilterStrategy();
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, Object> h : exchange.getMessage().getHeaders().entrySet()) {
            if (filter == null || !filter.applyFilterToCamelHeaders(h.getKey(), h.getValue(), exchange)) {
                headers.add(new Header(h.getKey(), toBytes(exchange, h.getValue())));
            }
        }
        return headers;
    }

    static byte[] toBytes(Exchange exchange, Object value) throws Exception {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return exchange.getContext().getTypeConverter().mandatoryConvertTo(String.class, exchange, value)
                .getBytes(StandardCharsets.UTF_8);
    }
}
