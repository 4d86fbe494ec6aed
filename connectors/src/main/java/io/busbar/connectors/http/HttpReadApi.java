package io.busbar.connectors.http;

import io.busbar.connectors.http.server.HttpRequestRejectedException;
import io.busbar.connectors.http.server.HttpProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import io.busbar.bus.UnknownTopicException;
import io.busbar.connectors.bus.BusComponent;
import io.busbar.connectors.http.server.Access;
import io.busbar.connectors.http.server.HttpRouter;
import io.busbar.connectors.http.server.Principal;
import io.busbar.connectors.http.server.RouterProcessor;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.NettyConstants;
import io.netty.channel.ChannelHandlerContext;

/**
 * The HTTP read API, as routes of a {@link HttpRouter} (each with the scope it needs):
 * <ul>
 *   <li>{@code GET /topics} — topics with their partitions' start and end offsets (only those the token may read);</li>
 *   <li>{@code GET /topics/{topic}} — one topic, with its settings;</li>
 *   <li>{@code GET /topics/{topic}/partitions/{partition}/records?offset=&max=&encoding=} — records as JSON (see
 *       {@link RecordJson}) from {@code offset} (default: the start), at most {@code max} (default 100, at most 1000);</li>
 *   <li>{@code GET /topics/{topic}/stream?group=} — a Server-Sent Events stream of new records, consumed as a member
 *       of the group ({@link SseStream}); needs the listener's {@link SseNettyHttpBinding};</li>
 *   <li>{@code GET /groups} and {@code GET /groups/{group}} — groups, members, committed offsets and lag.</li>
 * </ul>
 * Failures are thrown and become problem details in the {@link RouterProcessor}.
 * Thread-safe: each request uses its own consumer; the stream count is atomic.
 */
public class HttpReadApi implements CamelContextAware {

    private static final int DEFAULT_MAX = 100;
    private static final int MAX_MAX = 1000;
    private static final Duration READ_WAIT = Duration.ofSeconds(2);

    private CamelContext camelContext;
    private volatile Bus bus;
    private int maxStreams = 16;
    private final AtomicInteger openStreams = new AtomicInteger();

    public HttpReadApi() {
    }

    public HttpReadApi(Bus bus) {
        this.bus = bus;
    }

    /** Adds the read API's routes: lists need a read scope on any topic, the rest read on their topic. */
    public void addRoutes(HttpRouter<AsyncProcessor> router) {
        router.add("GET", "/topics", Access.anyRead(), handler(e -> JsonResponses.ok(e, 200,
                topics(bus(e), RouterProcessor.principal(e)))));
        router.add("GET", "/topics/{topic}", Access.read("topic"), handler(e -> JsonResponses.ok(e, 200,
                topic(bus(e).admin().describeTopic(RouterProcessor.pathParam(e, "topic"))))));
        router.add("GET", "/topics/{topic}/partitions/{partition}/records", Access.read("topic"),
                handler(e -> JsonResponses.ok(e, 200, records(bus(e), RouterProcessor.pathParam(e, "topic"),
                        integer(RouterProcessor.pathParam(e, "partition"), "partition"), query(e)))));
        router.add("GET", "/topics/{topic}/stream", Access.read("topic"),
                handler(e -> stream(e, bus(e), RouterProcessor.pathParam(e, "topic"), query(e))));
        router.add("GET", "/groups", Access.anyRead(), handler(e -> JsonResponses.ok(e, 200, groups(bus(e)))));
        router.add("GET", "/groups/{group}", Access.anyRead(), handler(e -> JsonResponses.ok(e, 200,
                group(bus(e).admin().describeGroup(RouterProcessor.pathParam(e, "group"))))));
    }

    private static AsyncProcessor handler(Processor p) {
        return RouterProcessor.handler(p);
    }

    private static String query(Exchange e) {
        return e.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
    }

    private static ArrayNode topics(Bus b, Principal principal) {
        ArrayNode list = JsonResponses.MAPPER.createArrayNode();
        for (String name : new TreeSet<>(b.admin().listTopics(false))) {
            if (principal != null && !principal.mayRead(name)) {
                continue;
            }
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

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }
    @Override
    public CamelContext getCamelContext() { return camelContext; }
    public void setBus(Bus bus) { this.bus = bus; }
    public void setMaxStreams(int maxStreams) { this.maxStreams = maxStreams; }
    public int getMaxStreams() { return maxStreams; }
}
