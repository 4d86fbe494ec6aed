package io.busbar.routes.admin;

import org.apache.camel.CamelContext;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.DataFormatDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.KameletDefinition;
import org.apache.camel.model.LogDefinition;
import org.apache.camel.model.MarshalDefinition;
import org.apache.camel.model.MulticastDefinition;
import org.apache.camel.model.OtherwiseDefinition;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RecipientListDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.SplitDefinition;
import org.apache.camel.model.ThrowExceptionDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.model.UnmarshalDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.model.language.ExpressionDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A pipeline's steps as a graph for the console's diagram: one node per step (a kamelet endpoint is one node named
 * after the kamelet and what it connects to), edges in the order exchanges take them. A choice fans out into its
 * branches (labelled with their condition) which join at the next step; a filter's steps are a branch and the
 * records it lets pass also go on; the steps of a split or multicast hang off it as a sub-flow and the original
 * exchange continues from the split. Labels are written for people (endpoint URIs resolved and masked, expressions
 * as written, data formats by name), never an object's {@code toString()}. Figures per node come from
 * {@link StepStatistics}. Built from Camel's route model; immutable once built.
 */
public final class RouteGraph {

    /** A step; {@code kind} is Camel's step name (to, choice, marshal...), {@code link} a console page or null. */
    public record Node(String id, String kind, String label, String detail, long exchanges, long failures,
                       PipelineEvents.LastError lastError, String link) { }

    /** From one step to the next; {@code label} names the branch (a when's condition, otherwise...) or is null. */
    public record Edge(String from, String to, String label) { }

    public record Graph(List<Node> nodes, List<Edge> edges) { }

    /** At most this many nodes per pipeline: a generated route of thousands of steps stays drawable. */
    static final int MAX_NODES = 300;
    private static final Pattern OBJECT_TEXT = Pattern.compile("([A-Za-z_$][\\w$]*\\.)*([A-Z][\\w$]*)@[0-9a-f]{4,}");
    private static final int MAX_LABEL = 120;

    private final CamelContext camel;
    private final StepStatistics statistics;
    private final String routeId;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();

    private RouteGraph(CamelContext camel, StepStatistics statistics, String routeId) {
        this.camel = camel;
        this.statistics = statistics;
        this.routeId = routeId;
    }

    /**
     * The graph of a route definition; the input node carries the pipeline's own figures ({@code exchanges},
     * {@code failures}, {@code lastError}) since every exchange starts there.
     */
    static Graph of(CamelContext camel, StepStatistics statistics, RouteDefinition route, long exchanges, long failures,
                    PipelineEvents.LastError lastError) {
        RouteGraph g = new RouteGraph(camel, statistics, route.getRouteId());
        String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
        EndpointUri from = EndpointUri.parse(camel, uri);
        Labelled input = endpoint(from, true);
        g.nodes.add(new Node("from", "from", input.label(), input.detail(), exchanges, failures, lastError, input.link()));
        g.chain(route.getOutputs(), List.of("from"), null);
        return new Graph(List.copyOf(g.nodes), List.copyOf(g.edges));
    }

    /** Adds steps one after the other; returns the steps the next one follows. */
    private List<String> chain(List<ProcessorDefinition<?>> steps, List<String> preds, String firstLabel) {
        List<String> exits = preds;
        String label = firstLabel;
        for (ProcessorDefinition<?> step : steps) {
            if (nodes.size() >= MAX_NODES) {
                break;
            }
            exits = add(step, exits, label);
            label = null;
        }
        return exits;
    }

    private List<String> add(ProcessorDefinition<?> step, List<String> preds, String edgeLabel) {
        String id = node(step);
        preds.forEach(p -> edges.add(new Edge(p, id, edgeLabel)));
        if (step instanceof ChoiceDefinition choice) {
            List<String> exits = new ArrayList<>();
            for (WhenDefinition when : choice.getWhenClauses()) {
                exits.addAll(chainOrSelf(when.getOutputs(), id, "when " + expression(when.getExpression())));
            }
            OtherwiseDefinition otherwise = choice.getOtherwise();
            if (otherwise != null) {
                exits.addAll(chainOrSelf(otherwise.getOutputs(), id, "otherwise"));
            } else {
                exits.add(id); // no branch matched: the exchange goes on unchanged
            }
            return exits;
        }
        if (step instanceof FilterDefinition filter) {
            List<String> exits = new ArrayList<>(chainOrSelf(filter.getOutputs(), id, "matches"));
            if (!exits.contains(id)) {
                exits.add(id); // records the filter lets pass go on after it
            }
            return exits;
        }
        if (step instanceof MulticastDefinition multicast) {
            for (ProcessorDefinition<?> branch : multicast.getOutputs()) {
                chain(List.of(branch), List.of(id), "copy");
            }
            return List.of(id);
        }
        if (step instanceof SplitDefinition || (!step.getOutputs().isEmpty() && isSubFlow(step))) {
            chain(step.getOutputs(), List.of(id), step instanceof SplitDefinition ? "each part" : null);
            return List.of(id);
        }
        if (!step.getOutputs().isEmpty()) {
            return chain(step.getOutputs(), List.of(id), null);
        }
        return List.of(id);
    }

    private List<String> chainOrSelf(List<ProcessorDefinition<?>> steps, String from, String label) {
        if (steps.isEmpty()) {
            return List.of(from);
        }
        return chain(steps, List.of(from), label);
    }

    /** Steps whose children run for a copy or part of the exchange, after which the original goes on. */
    private static boolean isSubFlow(ProcessorDefinition<?> step) {
        String kind = step.getShortName();
        return kind.equals("loop") || kind.equals("aggregate") || kind.equals("resequence");
    }

    private String node(ProcessorDefinition<?> step) {
        String nodeId = step.getId();
        String id = nodeId != null ? nodeId : step.getShortName() + (nodes.size() + 1);
        if (nodes.stream().anyMatch(n -> n.id().equals(id))) {
            return node(step, id + "-" + (nodes.size() + 1));
        }
        return node(step, id);
    }

    private String node(ProcessorDefinition<?> step, String id) {
        StepStatistics.Figures f = statistics == null ? StepStatistics.Figures.NONE : statistics.of(routeId, step.getId());
        Labelled l = label(step);
        nodes.add(new Node(id, step.getShortName(), l.label(), l.detail(), f.exchanges(), f.failures(), f.lastError(),
                l.link()));
        return id;
    }

    private record Labelled(String label, String detail, String link) { }

    private Labelled label(ProcessorDefinition<?> step) {
        if (step instanceof SendDefinition<?> send) {
            return endpoint(EndpointUri.parse(camel, send.getEndpointUri()), false);
        }
        if (step instanceof ToDynamicDefinition dynamic) {
            return new Labelled(step.getShortName() + " " + clip(EndpointUri.masked(dynamic.getUri())), null, null);
        }
        if (step instanceof KameletDefinition kamelet) {
            return new Labelled("kamelet " + kamelet.getName(), null, null);
        }
        if (step instanceof MarshalDefinition m) {
            return new Labelled("marshal " + dataFormat(m.getDataFormatType()), null, null);
        }
        if (step instanceof UnmarshalDefinition u) {
            return new Labelled("unmarshal " + dataFormat(u.getDataFormatType()), null, null);
        }
        if (step instanceof ProcessDefinition p) {
            return new Labelled("process " + (p.getRef() != null ? p.getRef() : "(Java processor)"), null, null);
        }
        if (step instanceof BeanDefinition b) {
            String bean = b.getRef() != null ? b.getRef() : b.getBeanType() != null ? b.getBeanType() : "(bean)";
            return new Labelled("bean " + bean + (b.getMethod() != null ? "." + b.getMethod() : ""), null, null);
        }
        if (step instanceof LogDefinition log) {
            return new Labelled("log", clip(log.getMessage()), null);
        }
        if (step instanceof ThrowExceptionDefinition t) {
            return new Labelled("throw " + simpleName(t.getExceptionType()), clip(t.getMessage()), null);
        }
        if (step instanceof ChoiceDefinition || step instanceof MulticastDefinition) {
            return new Labelled(step.getShortName(), null, null); // its branches are labelled on its edges
        }
        if (step instanceof FilterDefinition f) {
            return new Labelled("filter", expression(f.getExpression()), null);
        }
        if (step instanceof SplitDefinition split) {
            return new Labelled("split", expression(split.getExpression()), null);
        }
        if (step instanceof RecipientListDefinition<?> r) {
            return new Labelled("recipientList", expression(r.getExpression()), null);
        }
        if (step instanceof ExpressionNode e && e.getExpression() != null) {
            return new Labelled(step.getShortName(), expression(e.getExpression()), null);
        }
        String label = step.getLabel();
        if (label == null || label.isBlank() || label.equals(step.getShortName())) {
            return new Labelled(step.getShortName(), null, null);
        }
        return new Labelled(step.getShortName(), clip(readable(label)), null);
    }

    /** An endpoint as one node: a topic, a kamelet (named after what it connects to) or a resolved URI. */
    private static Labelled endpoint(EndpointUri uri, boolean input) {
        String verb = input ? "from" : "to";
        if (uri.scheme().equals("bus")) {
            String group = uri.param("groupId");
            return new Labelled((input ? "from topic " : "to topic ") + uri.path(),
                    group == null ? null : "group " + group, "#topics/" + uri.path());
        }
        if (uri.scheme().equals("kamelet")) {
            KameletEnd end = KameletEnd.of(uri, input);
            String bus = end.topic() == null ? null
                    : (end.source() ? "to topic " : "from topic ") + end.topic() + (end.group() == null ? "" : " (group " + end.group() + ")");
            return new Labelled("kamelet " + end.name() + ": " + clip(end.label()), bus,
                    end.topic() == null ? null : "#topics/" + end.topic());
        }
        return new Labelled(verb + " " + clip(uri.shortDisplay()), clip(uri.display()), null);
    }

    static String expression(ExpressionDefinition e) {
        if (e == null) {
            return null;
        }
        String text = e.getExpression();
        if (text == null || text.isBlank()) {
            // languages with attributes instead of a text (tokenize, xtokenize...) describe themselves
            String label = e.getLabel();
            return clip(readable(label == null || label.isBlank() ? e.toString() : label));
        }
        return clip((e.getLanguage() == null ? "" : e.getLanguage() + ": ") + text.strip());
    }

    private static String dataFormat(DataFormatDefinition format) {
        if (format == null) {
            return "(data format)";
        }
        String name = format.getDataFormatName();
        String kind = format.getShortName().toLowerCase(java.util.Locale.ROOT);
        return name == null || name.equals(kind) ? kind : kind + " (" + name + ")";
    }

    private static String simpleName(String className) {
        return className == null ? "exception" : className.substring(className.lastIndexOf('.') + 1);
    }

    /** Replaces {@code com.acme.Foo@1a2b3c} (an object's default toString) by {@code Foo}. */
    static String readable(String text) {
        return text == null ? null : OBJECT_TEXT.matcher(text).replaceAll("$2");
    }

    private static String clip(String text) {
        if (text == null) {
            return null;
        }
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_LABEL ? oneLine : oneLine.substring(0, MAX_LABEL - 1) + "…";
    }
}
