package io.busbar.routes.admin;

import io.busbar.bus.BusAdmin;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.UnknownGroupException;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The whole bus as a graph for the console's flow map: sources (folders, tables, HTTP endpoints, timers...), topics,
 * pipelines, sinks (folders, tables, URLs) and consumer groups that are no pipeline (Kafka clients, by their client
 * ids) as nodes; edges from the pipelines' endpoints (their {@code from} and every {@code to}, kamelets by their
 * resolved parameters) and from the groups' committed offsets, each with its rate over the last few metric samples
 * and, from a topic, the consuming group's lag. Kafka producers are not edges: the Kafka listener does not record
 * which client wrote to which topic (their records show in the topic's own rate). Thread-safe (reads only).
 */
public final class FlowMapOperations {

    /** {@code kind}: source, topic, pipeline, sink or client; {@code type} what it is (folder, table, http, timer...). */
    public record Node(String id, String kind, String type, String label, String detail, String link) { }

    /**
     * {@code kind}: data, deadLetter (records a pipeline gave up on) or link (direct/seda between pipelines);
     * {@code ratePerSecond} per {@code rateOf} (records into the topic, records committed by the group, or exchanges
     * of the pipeline), null until two samples exist; {@code lag} of the group on the topic, or null.
     */
    public record Edge(String from, String to, String kind, String group, Double ratePerSecond, String rateOf,
                       Long lag) { }

    public record FlowMap(List<Node> nodes, List<Edge> edges, List<String> notes, long sampledAt) { }

    static final long RATE_WINDOW_MS = 5_000;

    private final BusAdmin admin;
    private final Supplier<PipelineOperations> pipelines;
    private final MetricsHistory history;

    public FlowMapOperations(BusAdmin admin, Supplier<PipelineOperations> pipelines, MetricsHistory history) {
        this.admin = admin;
        this.pipelines = pipelines;
        this.history = history;
    }

    public FlowMap map() {
        return new Builder(pipelines.get()).build();
    }

    /** Collects one map; used by one call. */
    private final class Builder {
        private final PipelineOperations ops;
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        private final Map<String, EdgeDraft> edges = new LinkedHashMap<>();
        private final Map<String, String> pipelineOfGroup = new HashMap<>();
        private final Map<String, Set<String>> writersOfTopic = new HashMap<>();
        private final Map<String, String> inputGroupOfPipeline = new HashMap<>();
        private final Map<String, String> pipelineReading = new HashMap<>(); // direct:/seda: name -> pipeline
        private final List<String[]> links = new ArrayList<>(); // pipeline, direct:/seda: name
        private final List<String> notes = new ArrayList<>();
        private final Set<String> topics;
        private final MetricsHistory.Sample newest = history.latest();
        private final MetricsHistory.Sample older;

        Builder(PipelineOperations ops) {
            this.ops = ops;
            this.topics = new TreeSet<>(admin.listTopics(false));
            this.older = newest == null ? null : history.before(newest, RATE_WINDOW_MS);
        }

        FlowMap build() {
            topics.forEach(this::topic);
            if (ops == null) {
                notes.add("Pipelines are not loaded yet (or this bus runs without the runtime): only topics and groups are shown.");
            } else {
                for (String id : ops.pipelineIds()) {
                    pipeline(id);
                }
                for (String[] link : links) {
                    String target = pipelineReading.get(link[1]);
                    if (target != null) {
                        edge("pipeline:" + link[0], "pipeline:" + target, "link", null);
                    }
                }
            }
            groups();
            notes.add("Kafka producers are not drawn: the Kafka listener does not record which client wrote to which"
                    + " topic; their records count in the topic's rate. Kafka consumers are drawn by group and client id.");
            List<Edge> out = edges.values().stream().map(this::finish).toList();
            return new FlowMap(List.copyOf(nodes.values()), out, notes, newest == null ? 0 : newest.time());
        }

        private String topic(String name) {
            String id = "topic:" + name;
            nodes.computeIfAbsent(id, k -> new Node(id, "topic", "topic", name, null, "#topics/" + name));
            return id;
        }

        private void pipeline(String routeId) {
            String id = "pipeline:" + routeId;
            nodes.put(id, new Node(id, "pipeline", "pipeline", routeId, ops.status(routeId), "#pipelines/" + routeId));
            RouteDefinition def = ops.definition(routeId);
            if (def == null || def.getInput() == null) {
                return;
            }
            CamelContext camel = ops.camel();
            input(routeId, EndpointUri.parse(camel, def.getInput().getEndpointUri()));
            outputs(routeId, def.getOutputs(), camel);
        }

        private void input(String routeId, EndpointUri from) {
            String pipeline = "pipeline:" + routeId;
            switch (from.scheme()) {
                case "bus" -> consume(routeId, from.path(), from.param("groupId"));
                case "kamelet" -> {
                    KameletEnd end = KameletEnd.of(from, true);
                    String outside = outside(end, routeId);
                    if (end.source()) {
                        edge(outside, pipeline, "data", null);
                        if (end.topic() != null) {
                            write(routeId, end.topic());
                        }
                    } else {
                        if (end.consumesTopic()) {
                            consume(routeId, end.topic(), end.group());
                        }
                        edge(pipeline, outside, "data", null);
                    }
                }
                case "direct", "seda" -> pipelineReading.put(from.scheme() + ":" + from.path(), routeId);
                default -> edge(node("source", from.scheme(), from.scheme() + " " + from.path(), from.display(), routeId),
                        pipeline, "data", null);
            }
        }

        private void consume(String routeId, String topic, String group) {
            if (group != null) {
                pipelineOfGroup.put(group, routeId);
                inputGroupOfPipeline.put(routeId, group);
            }
            edge(topic(topic), "pipeline:" + routeId, "data", group);
            String dlq = topic + ".dlq";
            if (topics.contains(dlq)) {
                edge("pipeline:" + routeId, topic(dlq), "deadLetter", null);
                writersOfTopic.computeIfAbsent(dlq, k -> new LinkedHashSet<>()).add(routeId);
            }
        }

        private void write(String routeId, String topic) {
            edge("pipeline:" + routeId, topic(topic), "data", null);
            writersOfTopic.computeIfAbsent(topic, k -> new LinkedHashSet<>()).add(routeId);
        }

        private void outputs(String routeId, List<ProcessorDefinition<?>> steps, CamelContext camel) {
            for (ProcessorDefinition<?> step : steps) {
                String uri = step instanceof SendDefinition<?> send ? send.getEndpointUri()
                        : step instanceof ToDynamicDefinition dynamic ? dynamic.getUri() : null;
                if (uri != null) {
                    output(routeId, uri, camel);
                }
                outputs(routeId, step.getOutputs(), camel);
            }
        }

        private void output(String routeId, String raw, CamelContext camel) {
            String pipeline = "pipeline:" + routeId;
            EndpointUri to = EndpointUri.parse(camel, raw);
            if (raw.contains("${")) {
                edge(pipeline, node("sink", to.scheme(), "dynamic " + to.shortDisplay(), to.display(), routeId), "data", null);
                return;
            }
            switch (to.scheme()) {
                case "bus" -> write(routeId, to.path());
                case "kamelet" -> {
                    KameletEnd end = KameletEnd.of(to, false);
                    edge(pipeline, outside(end, routeId), "data", null);
                }
                case "direct", "seda" -> links.add(new String[] {routeId, to.scheme() + ":" + to.path()});
                case "log" -> { } // a log line is no destination of the data
                default -> edge(pipeline, node("sink", to.scheme(), to.shortDisplay(), to.display(), routeId), "data", null);
            }
        }

        private String outside(KameletEnd end, String routeId) {
            return node(end.source() ? "source" : "sink", end.type(), end.label(), "kamelet " + end.name(), routeId);
        }

        private String node(String kind, String type, String label, String detail, String routeId) {
            String id = kind + ":" + type + ":" + label;
            nodes.computeIfAbsent(id, k -> new Node(id, kind, type, label, EndpointUri.masked(detail),
                    "#pipelines/" + routeId));
            return id;
        }

        private void groups() {
            List<GroupListing> listed = new ArrayList<>(admin.listGroups());
            listed.sort(Comparator.comparing(GroupListing::groupId));
            for (GroupListing g : listed) {
                if (BusMetrics.isInternalGroup(g.groupId())) {
                    continue;
                }
                GroupDescription d;
                try {
                    d = admin.describeGroup(g.groupId());
                } catch (UnknownGroupException deletedMeanwhile) {
                    continue; // listed, then deleted: no longer part of the bus
                }
                Map<String, Long> lagPerTopic = new LinkedHashMap<>();
                for (GroupDescription.PartitionOffsets o : d.offsets()) {
                    lagPerTopic.merge(o.partition().topic(), Math.max(0, o.lag()), Long::sum);
                }
                String pipeline = pipelineOfGroup.get(g.groupId());
                String consumer;
                if (pipeline != null) {
                    consumer = "pipeline:" + pipeline;
                } else {
                    Set<String> clients = new TreeSet<>();
                    d.members().forEach(m -> clients.add(m.clientId() == null || m.clientId().isBlank() ? m.memberId() : m.clientId()));
                    consumer = "client:" + g.groupId();
                    nodes.put(consumer, new Node(consumer, "client", "group", "group " + g.groupId(),
                            clients.isEmpty() ? "no members" : "clients " + String.join(", ", clients),
                            "#groups/" + g.groupId()));
                }
                for (Map.Entry<String, Long> e : lagPerTopic.entrySet()) {
                    if (!topics.contains(e.getKey())) {
                        continue;
                    }
                    EdgeDraft edge = edge(topic(e.getKey()), consumer, "data", g.groupId());
                    edge.lag = e.getValue();
                }
            }
        }

        private EdgeDraft edge(String from, String to, String kind, String group) {
            EdgeDraft e = edges.computeIfAbsent(from + "\u0000" + to, k -> new EdgeDraft(from, to, kind));
            if (group != null) {
                e.group = group;
            }
            return e;
        }

        /** The edge's rate: what is known most precisely for it (see {@link Edge}). */
        private Edge finish(EdgeDraft e) {
            Double rate = null;
            String rateOf = null;
            String fromTopic = e.from.startsWith("topic:") ? e.from.substring(6) : null;
            String toTopic = e.to.startsWith("topic:") ? e.to.substring(6) : null;
            String fromPipeline = e.from.startsWith("pipeline:") ? e.from.substring(9) : null;
            String toPipeline = e.to.startsWith("pipeline:") ? e.to.substring(9) : null;
            if (fromTopic != null && e.group != null) {
                rate = groupRate(e.group);
                rateOf = "group";
            } else if (toTopic != null && writersOfTopic.getOrDefault(toTopic, Set.of()).size() <= 1) {
                rate = topicRate(toTopic);
                rateOf = "topic";
            } else if (fromPipeline != null && inputGroupOfPipeline.containsKey(fromPipeline) && toTopic == null
                    && toPipeline == null) {
                rate = groupRate(inputGroupOfPipeline.get(fromPipeline));
                rateOf = "group";
            } else if (toPipeline != null || fromPipeline != null) {
                rate = pipelineRate(toPipeline != null ? toPipeline : fromPipeline);
                rateOf = "pipeline";
            }
            return new Edge(e.from, e.to, e.kind, e.group, rate, rate == null ? null : rateOf, e.lag);
        }

        private Double rate(Long now, Long before) {
            if (newest == null || older == null || newest == older || now == null || before == null) {
                return null;
            }
            double seconds = (newest.time() - older.time()) / 1000.0;
            return seconds <= 0 ? null : Math.max(0, now - before) / seconds;
        }

        private Double topicRate(String topic) {
            if (newest == null || older == null) {
                return null;
            }
            MetricsHistory.TopicPoint a = older.topics().get(topic);
            MetricsHistory.TopicPoint b = newest.topics().get(topic);
            return a == null || b == null ? null : rate(b.recordsIn(), a.recordsIn());
        }

        private Double groupRate(String group) {
            return newest == null || older == null ? null
                    : rate(newest.groupCommitted().get(group), older.groupCommitted().get(group));
        }

        private Double pipelineRate(String pipeline) {
            if (newest == null || older == null) {
                return null;
            }
            MetricsHistory.PipelinePoint a = older.pipelines().get(pipeline);
            MetricsHistory.PipelinePoint b = newest.pipelines().get(pipeline);
            return b == null ? null : rate(b.exchanges(), a == null ? 0L : a.exchanges());
        }
    }

    private static final class EdgeDraft {
        final String from;
        final String to;
        final String kind;
        String group;
        Long lag;

        EdgeDraft(String from, String to, String kind) {
            this.from = from;
            this.to = to;
            this.kind = kind;
        }
    }
}
