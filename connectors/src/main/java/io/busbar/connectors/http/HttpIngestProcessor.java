package io.busbar.connectors.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.bus.Bus;
import io.busbar.bus.BusClosedException;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Header;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.RecordTooLargeException;
import io.busbar.bus.UnknownTopicException;
import io.busbar.connectors.bus.BusComponent;
import io.busbar.connectors.http.server.Authenticator;
import io.busbar.connectors.http.server.HttpProblem;
import io.busbar.connectors.http.server.HttpRequestRejectedException;
import io.busbar.connectors.http.server.Principal;
import io.busbar.connectors.http.server.RouterProcessor;
import io.busbar.connectors.http.server.Scope;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingest: answers a {@code POST} on a Camel HTTP consumer (camel-netty-http) by writing the body's records
 * to a topic, and answers 200 with their partitions and offsets only once every one of them is durable (the
 * {@link io.busbar.bus.BusProducer} futures completed). Refusals are problem details (see {@link HttpProblem}).
 * It never blocks a thread while waiting for the bus: the exchange completes from the producer's future.
 *
 * <p>Under a {@link RouterProcessor} (the runtime's listeners) the router has authenticated the request and checked
 * its {@code write} scope; alone (the {@code http-source} kamelet) it checks its own plain {@code tokens}.
 *
 * <p>Thread-safe: one instance serves all requests of a listener; it is configured before the first request.
 */
public class HttpIngestProcessor extends AsyncProcessorSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestProcessor.class);
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private HttpIngestConfiguration configuration = new HttpIngestConfiguration();
    private CamelContext camelContext;
    private volatile Bus bus;
    private volatile Ready ready;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();

    /** What is derived from the configuration once, on the first request. */
    private record Ready(Bus bus, IngestRequestParser parser, Authenticator tokens, InFlightRecords inFlight,
                         Set<String> headerAllowList) { }

    public HttpIngestProcessor() {
    }

    public HttpIngestProcessor(Bus bus, HttpIngestConfiguration configuration) {
        this.bus = bus;
        this.configuration = configuration;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Ready r;
        try {
            r = ready(exchange.getContext());
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        List<BusRecord> records;
        String topic;
        boolean batch;
        Message in = exchange.getIn();
        try {
            Principal alone = RouterProcessor.principal(exchange) != null ? null
                    : r.tokens().authenticate(in.getHeader("Authorization", String.class));
            requirePost(in);
            topic = topicOf(in);
            if (alone != null) {
                requireWriteScope(alone, topic);
            }
            requireTopic(r.bus(), topic);
            IngestRequestParser.ParsedBody parsed = r.parser().parse(body(in), in.getHeader(Exchange.CONTENT_TYPE,
                    String.class), keyOf(in), headersOf(in, r.headerAllowList()));
            records = parsed.records();
            batch = parsed.batch();
            r.inFlight().acquire(records.size(), configuration.getRetryAfterSeconds());
        } catch (HttpRequestRejectedException e) {
            JsonResponses.error(exchange, e, configuration.getRetryAfterSeconds());
            callback.done(true);
            return true;
        }
        List<CompletableFuture<RecordMetadata>> acks = send(r, topic, records);
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            r.inFlight().release(records.size());
            try {
                if (failure == null) {
                    JsonResponses.ok(exchange, 200, acknowledgement(topic, acks, batch));
                } else {
                    JsonResponses.error(exchange, rejectionFor(topic, acks, failure), configuration.getRetryAfterSeconds());
                }
            } catch (RuntimeException e) {
                exchange.setException(e);
            } finally {
                callback.done(false);
            }
        });
        return false;
    }

    /** Sends every record; a send that throws at once becomes a failed future so the answer logic stays in one place. */
    private static List<CompletableFuture<RecordMetadata>> send(Ready r, String topic, List<BusRecord> records) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (BusRecord record : records) {
            try {
                acks.add(r.bus().producer().send(topic, record));
            } catch (RuntimeException e) {
                acks.add(CompletableFuture.failedFuture(e));
            }
        }
        return acks;
    }

    private static ObjectNode acknowledgement(String topic, List<CompletableFuture<RecordMetadata>> acks, boolean batch) {
        ObjectNode body = JsonResponses.MAPPER.createObjectNode();
        body.put("topic", topic);
        if (!batch) {
            RecordMetadata m = acks.get(0).join();
            body.put("partition", m.partition());
            body.put("offset", m.offset());
            body.put("timestamp", m.timestamp());
            return body;
        }
        body.put("count", acks.size());
        ArrayNode records = body.putArray("records");
        for (CompletableFuture<RecordMetadata> ack : acks) {
            RecordMetadata m = ack.join();
            records.addObject().put("partition", m.partition()).put("offset", m.offset());
        }
        return body;
    }

    /** A failed write: which records of the request are durable is reported so a client can avoid duplicates. */
    private HttpRequestRejectedException rejectionFor(String topic, List<CompletableFuture<RecordMetadata>> acks,
                                                      Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        long durable = acks.stream().filter(a -> !a.isCompletedExceptionally()).count();
        String written = acks.size() == 1 ? "" : " (" + durable + " of the " + acks.size()
                + " records were written; retrying the request may duplicate them)";
        if (cause instanceof UnknownTopicException) {
            knownTopics.remove(topic);
            return new HttpRequestRejectedException(HttpProblem.UNKNOWN_TOPIC, cause.getMessage() + written);
        }
        if (cause instanceof RecordTooLargeException) {
            return new HttpRequestRejectedException(HttpProblem.BODY_TOO_LARGE, cause.getMessage() + written);
        }
        if (cause instanceof BusClosedException) {
            return new HttpRequestRejectedException(HttpProblem.OVERLOADED, "The bus is closing: retry later" + written);
        }
        LOG.warn("Writing an HTTP request to topic {} failed", topic, cause);
        return new HttpRequestRejectedException(HttpProblem.BUS_ERROR, "Writing to topic '" + topic + "' failed ("
                + cause + ")" + written + ": retry the request");
    }

    private static void requireWriteScope(Principal principal, String topic) {
        Scope needed = Scope.on(Scope.Kind.WRITE, topic);
        if (!principal.allows(needed)) {
            throw new HttpRequestRejectedException(HttpProblem.FORBIDDEN, "The token '" + principal.name()
                    + "' lacks the scope write:" + topic + ": use a token with that scope", Map.of("scope", "write:" + topic));
        }
    }

    private static void requirePost(Message in) {
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        if (method != null && !"POST".equalsIgnoreCase(method)) {
            throw new HttpRequestRejectedException(HttpProblem.METHOD_NOT_ALLOWED,
                    "Method " + method + " is not allowed here: POST the records");
        }
    }

    private String topicOf(Message in) {
        if (!configuration.getTopic().isEmpty()) {
            return configuration.getTopic();
        }
        String path = in.getHeader(Exchange.HTTP_URI, String.class);
        if (path == null) {
            path = "";
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int marker = path.lastIndexOf("/topics/");
        String topic = marker < 0 ? "" : URLDecoder.decode(path.substring(marker + "/topics/".length()), StandardCharsets.UTF_8);
        if (topic.endsWith("/")) {
            topic = topic.substring(0, topic.length() - 1);
        }
        if (!TOPIC_NAME.matcher(topic).matches()) {
            throw new HttpRequestRejectedException(HttpProblem.BAD_REQUEST, "'" + path + "' does not name a valid topic:"
                    + " POST to /topics/<topic>, with letters, digits, '.', '_' or '-' (at most 249)");
        }
        return topic;
    }

    /** 404 for an unknown topic, unless auto-creation is on. Known topics are remembered to spare the admin call. */
    private void requireTopic(Bus bus, String topic) {
        if (knownTopics.contains(topic)) {
            return;
        }
        if (configuration.isAutoCreateTopics()) {
            bus.admin().createTopicIfAbsent(topic, configuration.getPartitions(), Map.of());
        } else if (!bus.admin().listTopics(false).contains(topic)) {
            throw new HttpRequestRejectedException(HttpProblem.UNKNOWN_TOPIC, "Topic '" + topic + "' does not exist:"
                    + " create it first (busbar topics create " + topic + ") or enable autoCreateTopics");
        }
        knownTopics.add(topic);
    }

    private static byte[] body(Message in) {
        byte[] body = in.getBody(byte[].class);
        return body == null ? new byte[0] : body;
    }

    private byte[] keyOf(Message in) {
        String key = queryParameter(in.getHeader(Exchange.HTTP_QUERY, String.class), configuration.getKeyParameter());
        if (key == null && !configuration.getKeyHeader().isBlank()) {
            key = in.getHeader(configuration.getKeyHeader(), String.class);
        }
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /** The decoded value of one query parameter, read from the raw query so headers can never pose as parameters. */
    static String queryParameter(String query, String name) {
        if (query == null || query.isEmpty() || name == null || name.isBlank()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String n = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (n.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Only allow-listed request headers, never Camel's ({@code Camel*}) nor credentials. */
    private static List<Header> headersOf(Message in, Set<String> allowList) {
        if (allowList.isEmpty()) {
            return List.of();
        }
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, Object> h : in.getHeaders().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (allowList.contains(name) && !name.startsWith("camel") && !name.equals("authorization")
                    && h.getValue() != null) {
                headers.add(Header.of(h.getKey(), h.getValue().toString()));
            }
        }
        return headers;
    }

    private Ready ready(CamelContext exchangeContext) {
        Ready r = ready;
        if (r == null) {
            synchronized (this) {
                r = ready;
                if (r == null) {
                    configuration.validate();
                    CamelContext context = camelContext != null ? camelContext : exchangeContext;
                    Bus resolved = bus != null ? bus : context.getComponent("bus", BusComponent.class).resolveBus();
                    r = new Ready(resolved,
                            new IngestRequestParser(configuration.ingestFormat(), configuration.getMaxBodyBytes()),
                            Authenticator.builder(null)
                                    .plainTokens("tokens", configuration.getTokens(), List.of(Scope.parse("write:*")))
                                    .plainTokenFile("tokensFile", configuration.getTokensFile(), List.of(Scope.parse("write:*")))
                                    .build(),
                            new InFlightRecords(configuration.getMaxInFlightRecords()),
                            configuration.headerAllowList());
                    ready = r;
                }
            }
        }
        return r;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (camelContext != null || bus != null) {
            ready(camelContext);
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public HttpIngestConfiguration getConfiguration() { return configuration; }
    public void setConfiguration(HttpIngestConfiguration configuration) { this.configuration = configuration; }
    public Bus getBus() { return bus; }
    public void setBus(Bus bus) { this.bus = bus; }

    // Flat setters so a kamelet or YAML bean can configure the processor property by property.
    public void setTopic(String v) { configuration.setTopic(v); }
    public void setKeyHeader(String v) { configuration.setKeyHeader(v); }
    public void setKeyParameter(String v) { configuration.setKeyParameter(v); }
    public void setHeaders(String v) { configuration.setHeaders(v); }
    public void setFormat(String v) { configuration.setFormat(v); }
    public void setMaxBodyBytes(int v) { configuration.setMaxBodyBytes(v); }
    public void setMaxInFlightRecords(int v) { configuration.setMaxInFlightRecords(v); }
    public void setRetryAfterSeconds(int v) { configuration.setRetryAfterSeconds(v); }
    public void setAutoCreateTopics(boolean v) { configuration.setAutoCreateTopics(v); }
    public void setPartitions(int v) { configuration.setPartitions(v); }
    public void setTokens(String v) { configuration.setTokens(v); }
    public void setTokensFile(String v) { configuration.setTokensFile(v); }
}
