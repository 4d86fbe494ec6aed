package io.busbar.routes.validate;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

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
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks pipeline files (YAML and Java DSL routes) against the connectors they use, without starting anything:
 * every parameter of a {@code kamelet:} or {@code bus:} endpoint must exist (else the closest valid name is
 * suggested), have a value of its type, and every required kamelet parameter must be given; a named kamelet must
 * exist (else the available ones are listed). Used by {@code busbar run} before the bus opens and by
 * {@code busbar validate}. Values Camel resolves later (property placeholders, simple expressions, bean references)
 * are not type-checked. The endpoints are found by {@link YamlEndpoints} and {@link JavaEndpoints}. Not thread-safe;
 * cheap to create.
 */
public final class PipelineValidator {

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
        Map<Path, List<EndpointUse>> endpoints = new LinkedHashMap<>();
        List<Path> userKamelets = new ArrayList<>(extraKamelets);
        for (Path f : files) {
            String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                List<Node> documents = compose(f);
                if (documents.stream().anyMatch(YamlEndpoints::isKamelet)) {
                    userKamelets.add(f);
                } else {
                    endpoints.put(f, YamlEndpoints.of(documents));
                }
            } else if (name.endsWith(".java")) {
                try {
                    endpoints.put(f, JavaEndpoints.of(Files.readString(f)));
                } catch (IOException e) {
                    problems.add(new Problem(f, 0, null, null, "cannot be read: " + e.getMessage()));
                }
            }
        }
        kamelets = KameletCatalog.load(loader, userKamelets);
        endpoints.forEach((f, uses) -> {
            file = f;
            uses.forEach(this::check);
        });
        return List.copyOf(problems);
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

    private void check(EndpointUse use) {
        String base = use.base();
        if (base.contains("{{")) {
            return; // the connector itself comes from a placeholder: nothing to check before Camel resolves it
        }
        if (base.startsWith("bus:")) {
            checkParameters(BusParameters.SPEC, use);
            boolean hasGroup = use.parameters().stream().anyMatch(g -> g.name().equals(BusParameters.GROUP_ID))
                    || propertyKeys.contains("camel.component.bus.configuration.groupId");
            if (use.consumer() && !use.partial() && !hasGroup) {
                problems.add(new Problem(file, use.line(), use.routeId(), BusParameters.GROUP_ID, "consuming " + base
                        + " needs a consumer group: add groupId (e.g. ?groupId=billing or under parameters:)"));
            }
        } else if (base.startsWith("kamelet:")) {
            String name = base.substring("kamelet:".length());
            String kamelet = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
            if (kamelet.equals("source") || kamelet.equals("sink")) {
                return; // the two ends inside a kamelet's own template
            }
            ConnectorSpec spec = kamelets.get(kamelet);
            if (spec == null) {
                String closest = Suggestions.closest(kamelet, kamelets.names());
                problems.add(new Problem(file, use.line(), use.routeId(), null, "unknown kamelet '" + kamelet + "'"
                        + (closest != null ? ": did you mean " + closest + "?" : "") + " Available: "
                        + String.join(", ", kamelets.names()) + " (or add your own <name>.kamelet.yaml beside the pipelines)"));
                return;
            }
            checkParameters(spec, use);
            if (!use.partial()) {
                checkRequired(spec, kamelet, use);
            }
        }
    }

    private void checkRequired(ConnectorSpec spec, String kamelet, EndpointUse use) {
        for (String required : new TreeSet<>(spec.required())) {
            boolean present = use.parameters().stream().anyMatch(g -> g.name().equals(required))
                    || propertyKeys.contains("camel.kamelet." + kamelet + "." + required)
                    || (use.routeId() != null && propertyKeys.contains("camel.kamelet." + kamelet + "." + use.routeId() + "." + required));
            if (!present) {
                problems.add(new Problem(file, use.line(), use.routeId(), required, spec.uriPrefix() + " needs parameter '"
                        + required + "' (required): add it under parameters:"));
            }
        }
    }

    private void checkParameters(ConnectorSpec spec, EndpointUse use) {
        for (EndpointUse.Parameter g : use.parameters()) {
            if (!spec.accepts(g.name())) {
                String closest = Suggestions.closest(g.name(), spec.parameters().keySet());
                problems.add(new Problem(file, g.line(), use.routeId(), g.name(), spec.uriPrefix() + " has no parameter '"
                        + g.name() + "'" + (closest != null ? ": did you mean " + closest + "?" : "")
                        + " Its parameters: " + String.join(", ", spec.documentedNames())));
                continue;
            }
            ParameterSpec p = spec.parameters().get(g.name());
            String expected = p == null || g.value() == null ? null : p.mismatch(g.value());
            if (expected != null) {
                problems.add(new Problem(file, g.line(), use.routeId(), g.name(), "parameter " + g.name() + " of "
                        + spec.uriPrefix() + " is '" + g.value() + "': expected " + expected));
            }
        }
    }
}
