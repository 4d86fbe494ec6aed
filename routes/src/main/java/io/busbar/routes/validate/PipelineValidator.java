package io.busbar.routes.validate;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks pipeline files (YAML and Java DSL routes) against the connectors they use, without starting anything:
 * every parameter of a {@code kamelet:} or {@code bus:} endpoint must exist (else the closest valid name is
 * suggested), have a value of its type, and every required kamelet parameter must be given; a named kamelet must
 * exist (else the available ones are listed). Used by {@code busbar run} before the bus opens and by
 * {@code busbar validate}. Values Camel resolves later (property placeholders, simple expressions, bean references)
 * are not type-checked. Not thread-safe; cheap to create.
 */
public final class PipelineValidator {

    /** YAML DSL keys whose scalar value is an endpoint URI (besides {@code uri:} with its {@code parameters:}). */
    private static final Set<String> ENDPOINT_KEYS = Set.of("from", "to", "toD", "wireTap", "enrich", "pollEnrich",
            "inOnly", "inOut", "deadLetterUri");

    /** Route ids of the YAML DSL live under these keys. */
    private static final Set<String> ROUTE_KEYS = Set.of("route", "routeTemplate", "templatedRoute");

    /** Endpoint URIs in Java DSL sources: string literals starting with kamelet: or bus:. */
    private static final Pattern JAVA_ENDPOINT = Pattern.compile("\"((?:kamelet|bus):[^\"\\s]*)\"");
    private static final Pattern JAVA_ROUTE_ID = Pattern.compile("\\.routeId\\(\\s*\"([^\"]+)\"");
    private static final Pattern JAVA_FROM = Pattern.compile("\\bfrom\\(\\s*$");

    private final ClassLoader loader;
    private final Set<String> propertyKeys;
    private KameletCatalog kamelets;
    private List<Problem> problems;
    private Path file;

    /**
     * @param loader       where the kamelets on the class path are found
     * @param propertyKeys the settings given to Camel ({@code camel.kamelet.<name>.<parameter>} counts as given)
     */
    public PipelineValidator(ClassLoader loader, Set<String> propertyKeys) {
        this.loader = loader;
        this.propertyKeys = Set.copyOf(propertyKeys);
    }

    /**
     * Checks the pipeline files. YAML files of {@code kind: Kamelet} among them are user kamelets: they join the
     * catalog, as with {@code extraKamelets} (kamelet files from elsewhere, e.g. a plugins folder).
     *
     * @return every problem found, in file order; empty when the pipelines are valid
     */
    public List<Problem> validate(List<Path> files, List<Path> extraKamelets) {
        problems = new ArrayList<>();
        Map<Path, List<Node>> yaml = new LinkedHashMap<>();
        List<Path> userKamelets = new ArrayList<>(extraKamelets);
        for (Path f : files) {
            if (isYaml(f)) {
                List<Node> documents = compose(f);
                if (documents.stream().anyMatch(PipelineValidator::isKamelet)) {
                    userKamelets.add(f);
                } else {
                    yaml.put(f, documents);
                }
            }
        }
        kamelets = KameletCatalog.load(loader, userKamelets);
        for (Path f : files) {
            file = f;
            if (yaml.containsKey(f)) {
                yaml.get(f).forEach(d -> walk(d, null, null));
            } else if (f.getFileName().toString().endsWith(".java")) {
                checkJava(f);
            }
        }
        return List.copyOf(problems);
    }

    /** The kamelets known during the last {@link #validate} call (class path and user ones). */
    public KameletCatalog kamelets() {
        return kamelets;
    }

    private static boolean isYaml(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private List<Node> compose(Path f) {
        List<Node> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            new Compose(LoadSettings.builder().setLabel(f.toString()).build()).composeAllFromReader(reader)
                    .forEach(documents::add);
        } catch (MarkedYamlEngineException e) {
            problems.add(new Problem(f, e.getProblemMark().map(m -> m.getLine() + 1).orElse(0), null, null,
                    "not valid YAML: " + e.getProblem() + (e.getContext() != null ? " (" + e.getContext() + ")" : "")));
        } catch (YamlEngineException e) {
            problems.add(new Problem(f, 0, null, null, "not valid YAML: " + e.getMessage()));
        } catch (IOException e) {
            problems.add(new Problem(f, 0, null, null, "cannot be read: " + e.getMessage()));
        }
        return documents;
    }

    private static boolean isKamelet(Node document) {
        return document instanceof MappingNode m && "Kamelet".equals(scalar(m, "kind"));
    }

    private void walk(Node node, String routeId, String key) {
        if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(n -> walk(n, routeId, key));
        } else if (node instanceof MappingNode map) {
            String id = routeId;
            if (key != null && ROUTE_KEYS.contains(key) && scalar(map, "id") != null) {
                id = scalar(map, "id");
            }
            Node uri = value(map, "uri");
            if (uri instanceof ScalarNode uriScalar && key != null && !"beans".equals(key)) {
                Node parameters = value(map, "parameters");
                checkEndpoint(uriScalar, parameters instanceof MappingNode p ? p : null, id, key);
            }
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    continue;
                }
                if (t.getValueNode() instanceof ScalarNode v && ENDPOINT_KEYS.contains(k.getValue())) {
                    checkEndpoint(v, null, id, k.getValue());
                }
                walk(t.getValueNode(), id, k.getValue());
            }
        }
    }

    private void checkEndpoint(ScalarNode uriNode, MappingNode parameters, String routeId, String key) {
        List<Given> given = new ArrayList<>();
        String uri = uriNode.getValue().trim();
        int query = uri.indexOf('?');
        if (query >= 0) {
            for (String pair : uri.substring(query + 1).split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    given.add(new Given(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1), line(uriNode)));
                }
            }
        }
        if (parameters != null) {
            for (NodeTuple t : parameters.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    given.add(new Given(k.getValue(), t.getValueNode() instanceof ScalarNode v ? v.getValue() : null, line(k)));
                }
            }
        }
        check(query >= 0 ? uri.substring(0, query) : uri, given, "from".equals(key), routeId, line(uriNode));
    }

    /** One given parameter: its name, its value (null when not a scalar) and the line it is on. */
    private record Given(String name, String value, int line) {
    }

    private void check(String base, List<Given> given, boolean consumer, String routeId, int line) {
        if (base.contains("{{")) {
            return; // the connector itself comes from a placeholder: nothing to check before Camel resolves it
        }
        if (base.startsWith("bus:")) {
            checkParameters(BusParameters.SPEC, given, routeId);
            boolean hasGroup = given.stream().anyMatch(g -> g.name().equals(BusParameters.GROUP_ID))
                    || propertyKeys.contains("camel.component.bus.configuration.groupId");
            if (consumer && !hasGroup) {
                problems.add(new Problem(file, line, routeId, BusParameters.GROUP_ID, "consuming " + base
                        + " needs a consumer group: add groupId (e.g. ?groupId=billing or under parameters:)"));
            }
        } else if (base.startsWith("kamelet:")) {
            String name = base.substring("kamelet:".length());
            int slash = name.indexOf('/');
            String kamelet = slash >= 0 ? name.substring(0, slash) : name;
            if (kamelet.equals("source") || kamelet.equals("sink")) {
                return; // the two ends inside a kamelet's own template
            }
            ConnectorSpec spec = kamelets.get(kamelet);
            if (spec == null) {
                String closest = Suggestions.closest(kamelet, kamelets.names());
                problems.add(new Problem(file, line, routeId, null, "unknown kamelet '" + kamelet + "'"
                        + (closest != null ? ": did you mean " + closest + "?" : "") + " Available: "
                        + String.join(", ", kamelets.names()) + " (or add your own <name>.kamelet.yaml beside the pipelines)"));
                return;
            }
            checkParameters(spec, given, routeId);
            for (String required : new java.util.TreeSet<>(spec.required())) {
                boolean present = given.stream().anyMatch(g -> g.name().equals(required))
                        || propertyKeys.contains("camel.kamelet." + kamelet + "." + required)
                        || (routeId != null && propertyKeys.contains("camel.kamelet." + kamelet + "." + routeId + "." + required));
                if (!present) {
                    problems.add(new Problem(file, line, routeId, required, spec.uriPrefix() + " needs parameter '"
                            + required + "' (required): add it under parameters:"));
                }
            }
        }
    }

    private void checkParameters(ConnectorSpec spec, List<Given> given, String routeId) {
        for (Given g : given) {
            if (!spec.accepts(g.name())) {
                String closest = Suggestions.closest(g.name(), spec.parameters().keySet());
                problems.add(new Problem(file, g.line(), routeId, g.name(), spec.uriPrefix() + " has no parameter '"
                        + g.name() + "'" + (closest != null ? ": did you mean " + closest + "?" : "")
                        + " Its parameters: " + String.join(", ", spec.documentedNames())));
                continue;
            }
            ParameterSpec p = spec.parameters().get(g.name());
            String expected = p == null || g.value() == null ? null : p.mismatch(g.value());
            if (expected != null) {
                problems.add(new Problem(file, g.line(), routeId, g.name(), "parameter " + g.name() + " of "
                        + spec.uriPrefix() + " is '" + g.value() + "': expected " + expected));
            }
        }
    }

    private void checkJava(Path f) {
        String source;
        try {
            source = Files.readString(f);
        } catch (IOException e) {
            problems.add(new Problem(f, 0, null, null, "cannot be read: " + e.getMessage()));
            return;
        }
        Matcher m = JAVA_ENDPOINT.matcher(source);
        while (m.find()) {
            int line = 1 + (int) source.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            String uri = m.group(1);
            int query = uri.indexOf('?');
            List<Given> given = new ArrayList<>();
            if (query >= 0) {
                for (String pair : uri.substring(query + 1).split("&")) {
                    int eq = pair.indexOf('=');
                    if (!pair.isEmpty()) {
                        given.add(new Given(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1), line));
                    }
                }
            }
            boolean consumer = JAVA_FROM.matcher(source.substring(Math.max(0, m.start() - 40), m.start())).find();
            if (source.substring(m.end()).stripLeading().startsWith("+")) {
                // "kamelet:x?a=" + value + "&b=...": only the start of the URI is known here; check the names it
                // holds, not the last value (it goes on in the code) nor what is required (it may come later)
                if (!given.isEmpty()) {
                    Given last = given.remove(given.size() - 1);
                    given.add(new Given(last.name(), null, last.line()));
                }
                checkNamesOnly(query >= 0 ? uri.substring(0, query) : uri, given, javaRouteId(source, m.end()));
                continue;
            }
            check(query >= 0 ? uri.substring(0, query) : uri, given, consumer, javaRouteId(source, m.end()), line);
        }
    }

    private void checkNamesOnly(String base, List<Given> given, String routeId) {
        if (base.startsWith("bus:")) {
            checkParameters(BusParameters.SPEC, given, routeId);
        } else if (base.startsWith("kamelet:")) {
            String name = base.substring("kamelet:".length());
            ConnectorSpec spec = kamelets.get(name.contains("/") ? name.substring(0, name.indexOf('/')) : name);
            if (spec != null) {
                checkParameters(spec, given, routeId);
            }
        }
    }

    /** The {@code .routeId("...")} of the route a URI belongs to: the first one after it, before the next from(. */
    private static String javaRouteId(String source, int from) {
        int next = source.indexOf("from(", from);
        Matcher id = JAVA_ROUTE_ID.matcher(source);
        id.region(from, next < 0 ? source.length() : next);
        return id.find() ? id.group(1) : null;
    }

    private static int line(Node node) {
        Optional<Mark> mark = node.getStartMark();
        return mark.map(m -> m.getLine() + 1).orElse(0);
    }

    private static Node value(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static String scalar(MappingNode map, String key) {
        return value(map, key) instanceof ScalarNode s ? s.getValue() : null;
    }
}
