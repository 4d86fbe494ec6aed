package io.busbar.connectors.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownGroupException;
import io.busbar.bus.UnknownTopicException;
import io.busbar.connectors.bus.BusComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.NettyConstants;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP read API, on a camel-netty-http consumer (paths relative to wherever {@code topics}/{@code groups}
 * appear in the request path):
 * <ul>
 *   <li>{@code GET /topics} — topics with their partitions' start and end offsets;</li>
 *   <li>{@code GET /topics/{topic}} — one topic, with its settings;</li>
 *   <li>{@code GET /topics/{topic}/partitions/{p}/records?offset=&max=&encoding=} — records as JSON (see
 *       {@link RecordJson}) from {@code offset} (default: the start), at most {@code max} (default 100, at most 1000);</li>
 *   <li>{@code GET /topics/{topic}/stream?group=} — a Server-Sent Events stream of new records, consumed as a member
 *       of the group ({@link SseStream}); needs the listener's {@link SseNettyHttpBinding};</li>
 *   <li>{@code GET /groups} and {@code GET /groups/{group}} — groups, members, committed offsets and lag.</li>
 * </ul>
 * Thread-safe: each request uses its own consumer; the stream count is atomic.
 */
public class HttpReadApi implements Processor, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(HttpReadApi.class);

    private static final int DEFAULT_MAX = 100;
    private static final int MAX_MAX = 1000;
    private static final Duration READ_WAIT = Duration.ofSeconds(2);

    private CamelContext camelContext;
    private volatile Bus bus;
    private String tokens = "";
    private String tokensFile = "";
    private int maxStreams = 16;
    private volatile BearerTokens bearerTokens;
    private final AtomicInteger openStreams = new AtomicInteger();

    public HttpReadApi() {
    }

    public HttpReadApi(Bus bus) {
        this.bus = bus;
    }

    @Override
    public void process(Exchange exchange) {
        try {
            Message in = exchange.getIn();
            tokens().check(in.getHeader("Authorization", String.class));
            String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
            if (method != null && !"GET".equalsIgnoreCase(method)) {
                throw new HttpRequestRejectedException(HttpProblem.METHOD_NOT_ALLOWED,
                        "Method " + method + " is not allowed here: the read API answers GET");
            }
            route(exchange, bus(exchange), segments(in.getHeader(Exchange.HTTP_URI, String.class)),
                    in.getHeader(Exchange.HTTP_QUERY, String.class));
        } catch (HttpRequestRejectedException e) {
            JsonResponses.error(exchange, e, 1);
        } catch (UnknownTopicException e) {
            JsonResponses.error(exchange, new HttpRequestRejectedException(HttpProblem.UNKNOWN_TOPIC, e.getMessage()), 1);
        } catch (UnknownGroupException e) {
            JsonResponses.error(exchange, new HttpRequestRejectedException(HttpProblem.UNKNOWN_GROUP, e.getMessage()), 1);
        } catch (RuntimeException e) {
            LOG.warn("HTTP read API request {} failed", exchange.getIn().getHeader(Exchange.HTTP_URI), e);
            JsonResponses.error(exchange, new HttpRequestRejectedException(HttpProblem.BUS_ERROR,
                    "Reading from the bus failed (" + e + "): retry, and see the server log if it persists"), 1);
        }
    }

    private void route(Exchange exchange, Bus b, List<String> path, String query) {
        if (path.size() == 1 && path.get(0).equals("topics")) {
            JsonResponses.ok(exchange, 200, topics(b));
        } else if (path.size() == 2 && path.get(0).equals("topics")) {
            JsonResponses.ok(exchange, 200, topic(b.admin().describeTopic(path.get(1))));
        } else if (path.size() == 5 && path.get(0).equals("topics") && path.get(2).equals("partitions")
                && path.get(4).equals("records")) {
            JsonResponses.ok(exchange, 200, records(b, path.get(1), integer(path.get(3), "partition"), query));
        } else if (path.size() == 3 && path.get(0).equals("topics") && path.get(2).equals("stream")) {
            stream(exchange, b, path.get(1), query);
        } else if (path.size() == 1 && path.get(0).equals("groups")) {
            JsonResponses.ok(exchange, 200, groups(b));
        } else if (path.size() == 2 && path.get(0).equals("groups")) {
            JsonResponses.ok(exchange, 200, group(b.admin().describeGroup(path.get(1))));
        } else {
            throw new HttpRequestRejectedException(HttpProblem.NOT_FOUND, "No resource at /" + String.join("/", path)
                    + ": use /topics, /topics/{topic}, /topics/{topic}/partitions/{p}/records,"
                    + " /topics/{topic}/stream?group=..., /groups or /groups/{group}");
        }
    }

    private static ArrayNode topics(Bus b) {
        ArrayNode list = JsonResponses.MAPPER.createArrayNode();
        for (String name : new TreeSet<>(b.admin().listTopics(false))) {
            try {
                list.add(topicSummary(b.admin().describeTopic(name)));
            } catch (UnknownTopicException deletedMeanwhile) {
                // a topic deleted between list and describe is simply not listed
            }
        }
        return list;
    }

    private static ObjectNode topicSummary(TopicDescription d) {
        ObjectNode node = JsonResponses.MAPPER.createObjectNode();
        node.put("name", d.name());
        ArrayNode partitions = node.putArray("partitions");
        for (TopicDescription.PartitionDescription p : d.partitions()) {
            partitions.addObject().put("partition", p.partition()).put("startOffset", p.startOffset())
                    .put("endOffset", p.endOffset()).put("sizeBytes", p.sizeBytes());
        }
        return node;
    }

    private static ObjectNode topic(TopicDescription d) {
        ObjectNode node = topicSummary(d);
        node.put("topicId", String.valueOf(d.topicId()));
        ObjectNode config = node.putObject("config");
        d.config().forEach(config::put);
        return node;
    }

    private static ObjectNode records(Bus b, String topic, int partition, String query) {
        TopicDescription d = b.admin().describeTopic(topic);
        TopicDescription.PartitionDescription p = d.partitions().stream().filter(x -> x.partition() == partition)
                .findFirst().orElseThrow(() -> new HttpRequestRejectedException(HttpProblem.NOT_FOUND, "Topic '" + topic
                        + "' has no partition " + partition + ": use 0 to " + (d.partitions().size() - 1)));
        String offsetParam = HttpIngestProcessor.queryParameter(query, "offset");
        long offset = offsetParam == null ? p.startOffset() : longValue(offsetParam, "offset");
        if (offset < p.startOffset() || offset > p.endOffset()) {
            throw new HttpRequestRejectedException(HttpProblem.BAD_REQUEST, "offset=" + offset + " is out of range for "
                    + topic + "-" + partition + ": use " + p.startOffset() + " to " + p.endOffset());
        }
        String maxParam = HttpIngestProcessor.queryParameter(query, "max");
        int max = maxParam == null ? DEFAULT_MAX : (int) longValue(maxParam, "max");
        if (max < 1 || max > MAX_MAX) {
            throw new HttpRequestRejectedException(HttpProblem.BAD_REQUEST, "max=" + max + " is invalid: use 1 to " + MAX_MAX);
        }
        boolean base64 = "base64".equals(HttpIngestProcessor.queryParameter(query, "encoding"));
        List<ConsumedRecord> read = read(b, new TopicPartition(topic, partition), offset, max, p.endOffset());
        ObjectNode node = JsonResponses.MAPPER.createObjectNode();
        node.put("topic", topic).put("partition", partition);
        ArrayNode records = node.putArray("records");
        read.forEach(r -> records.add(RecordJson.toJson(r, base64)));
        node.put("nextOffset", read.isEmpty() ? offset : read.get(read.size() - 1).offset() + 1);
        node.put("endOffset", p.endOffset());
        return node;
    }

    /** Reads up to {@code max} records from {@code offset}, stopping at the end offset seen when the request came. */
    private static List<ConsumedRecord> read(Bus b, TopicPartition tp, long offset, int max, long endOffset) {
        List<ConsumedRecord> out = new ArrayList<>();
        if (offset >= endOffset) {
            return out;
        }
        ConsumerConfig config = ConsumerConfig.builder().clientId("busbar-http-read").maxPollRecords(max).build();
        try (BusConsumer consumer = b.consumer(config)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + READ_WAIT.toNanos();
            while (out.size() < max && consumer.position(tp) < endOffset && System.nanoTime() < deadline) {
                for (ConsumedRecord r : consumer.poll(Duration.ofMillis(200))) {
                    if (out.size() < max) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private void stream(Exchange exchange, Bus b, String topic, String query) {
        String group = HttpIngestProcessor.queryParameter(query, "group");
        if (group == null || group.isBlank()) {
            throw new HttpRequestRejectedException(HttpProblem.BAD_REQUEST,
                    "The stream needs a consumer group: add ?group=<name> (members of a group share the partitions)");
        }
        b.admin().describeTopic(topic);
        if (openStreams.incrementAndGet() > maxStreams) {
            openStreams.decrementAndGet();
            throw new HttpRequestRejectedException(HttpProblem.OVERLOADED, maxStreams
                    + " streams are already open on this listener (maxStreams): retry later");
        }
        ChannelHandlerContext connection = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT,
                ChannelHandlerContext.class);
        if (connection == null) {
            openStreams.decrementAndGet();
            throw new HttpRequestRejectedException(HttpProblem.NOT_FOUND,
                    "Streams are served only by a camel-netty-http listener: use the busbar HTTP listener");
        }
        boolean base64 = "base64".equals(HttpIngestProcessor.queryParameter(query, "encoding"));
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setBody(new SseStream(b, topic, group, base64, connection.channel(), s -> openStreams.decrementAndGet()));
    }

    private static ArrayNode groups(Bus b) {
        ArrayNode list = JsonResponses.MAPPER.createArrayNode();
        for (GroupListing g : b.admin().listGroups()) {
            list.addObject().put("groupId", g.groupId()).put("state", g.state()).put("protocolType", g.protocolType());
        }
        return list;
    }

    private static ObjectNode group(GroupDescription d) {
        ObjectNode node = JsonResponses.MAPPER.createObjectNode();
        node.put("groupId", d.groupId()).put("state", d.state()).put("protocol", d.protocol())
                .put("generation", d.generation());
        ArrayNode members = node.putArray("members");
        for (GroupDescription.Member m : d.members()) {
            ObjectNode member = members.addObject().put("memberId", m.memberId()).put("clientId", m.clientId())
                    .put("host", m.host());
            ArrayNode assignment = member.putArray("assignment");
            m.assignment().forEach(tp -> assignment.add(tp.topic() + "-" + tp.partition()));
        }
        ArrayNode offsets = node.putArray("offsets");
        for (GroupDescription.PartitionOffsets o : d.offsets()) {
            offsets.addObject().put("topic", o.partition().topic()).put("partition", o.partition().partition())
                    .put("committedOffset", o.committedOffset()).put("endOffset", o.endOffset()).put("lag", o.lag());
        }
        return node;
    }

    /** Path segments from the first {@code topics} or {@code groups} on, e.g. [topics, orders, stream]. */
    static List<String> segments(String uri) {
        String path = uri == null ? "" : uri;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        List<String> all = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        for (int i = 0; i < all.size(); i++) {
            if (Set.of("topics", "groups").contains(all.get(i))) {
                return all.subList(i, all.size());
            }
        }
        return all;
    }

    private static int integer(String value, String name) {
        long v = longValue(value, name);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new HttpRequestRejectedException(HttpProblem.BAD_REQUEST, name + " '" + value + "' is invalid: use a number >= 0");
        }
        return (int) v;
    }

    private static long longValue(String value, String name) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new HttpRequestRejectedException(HttpProblem.BAD_REQUEST, name + "='" + value + "' is not a number: use an integer");
        }
    }

    private Bus bus(Exchange exchange) {
        Bus b = bus;
        if (b == null) {
            CamelContext context = camelContext != null ? camelContext : exchange.getContext();
            b = context.getComponent("bus", BusComponent.class).resolveBus();
            bus = b;
        }
        return b;
    }

    private BearerTokens tokens() {
        BearerTokens t = bearerTokens;
        if (t == null) {
            t = BearerTokens.from(tokens, tokensFile);
            bearerTokens = t;
        }
        return t;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }
    @Override
    public CamelContext getCamelContext() { return camelContext; }
    public void setBus(Bus bus) { this.bus = bus; }
    public void setTokens(String tokens) { this.tokens = tokens == null ? "" : tokens; }
    public void setTokensFile(String tokensFile) { this.tokensFile = tokensFile == null ? "" : tokensFile; }
    public void setMaxStreams(int maxStreams) { this.maxStreams = maxStreams; }
    public int getMaxStreams() { return maxStreams; }
}
