package io.busbar.routes.validate;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The endpoints of a YAML DSL pipeline, found in its node tree (lines from the parser's marks): {@code uri:} with
 * its {@code parameters:} under any step, and endpoint keys with a URI as value ({@code to: bus:orders}).
 */
final class YamlEndpoints {

    /** Keys whose scalar value is an endpoint URI (besides {@code uri:} with its {@code parameters:}). */
    private static final Set<String> ENDPOINT_KEYS = Set.of("from", "to", "toD", "wireTap", "enrich", "pollEnrich",
            "inOnly", "inOut", "deadLetterUri");

    /** Route ids live under these keys. */
    private static final Set<String> ROUTE_KEYS = Set.of("route", "routeTemplate", "templatedRoute");

    private final List<EndpointUse> found = new ArrayList<>();

    private YamlEndpoints() {
    }

    static List<EndpointUse> of(List<Node> documents) {
        YamlEndpoints endpoints = new YamlEndpoints();
        documents.forEach(d -> endpoints.walk(d, null, null));
        return endpoints.found;
    }

    /** True for a {@code kind: Kamelet} document: a kamelet's spec, not a pipeline. */
    static boolean isKamelet(Node document) {
        return document instanceof MappingNode m && value(m, "kind") instanceof ScalarNode kind && "Kamelet".equals(kind.getValue());
    }

    private void walk(Node node, String routeId, String key) {
        if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(n -> walk(n, routeId, key));
        } else if (node instanceof MappingNode map) {
            String id = routeId;
            if (key != null && ROUTE_KEYS.contains(key) && value(map, "id") instanceof ScalarNode routeIdNode) {
                id = routeIdNode.getValue();
            }
            if (value(map, "uri") instanceof ScalarNode uri && key != null && !"beans".equals(key)) {
                add(uri, value(map, "parameters") instanceof MappingNode p ? p : null, id, key);
            }
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    if (t.getValueNode() instanceof ScalarNode v && ENDPOINT_KEYS.contains(k.getValue())) {
                        add(v, null, id, k.getValue());
                    }
                    walk(t.getValueNode(), id, k.getValue());
                }
            }
        }
    }

    private void add(ScalarNode uriNode, MappingNode parameters, String routeId, String key) {
        String uri = uriNode.getValue().trim();
        List<EndpointUse.Parameter> given = new ArrayList<>(EndpointUse.queryParameters(uri, line(uriNode)));
        if (parameters != null) {
            for (NodeTuple t : parameters.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    given.add(new EndpointUse.Parameter(k.getValue(),
                            t.getValueNode() instanceof ScalarNode v ? v.getValue() : null, line(k)));
                }
            }
        }
        found.add(new EndpointUse(EndpointUse.base(uri), given, line(uriNode), routeId, "from".equals(key), false));
    }

    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private static Node value(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }
}
