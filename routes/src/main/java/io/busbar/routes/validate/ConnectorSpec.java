package io.busbar.routes.validate;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one connector accepts: a kamelet's parameters (from its spec) or the {@code bus:} component's endpoint
 * options, plus the generic options Camel adds to every endpoint of the kind. Immutable.
 *
 * @param uriPrefix  how a route names it, e.g. {@code kamelet:file-source} or {@code bus:}
 * @param parameters the documented parameters, by name
 * @param required   names that must be given
 * @param generic    further names Camel accepts on every endpoint of this kind (not type-checked)
 */
public record ConnectorSpec(String uriPrefix, Map<String, ParameterSpec> parameters, Set<String> required,
                            Set<String> generic) {

    public ConnectorSpec {
        parameters = Map.copyOf(new LinkedHashMap<>(parameters));
        required = Set.copyOf(required);
        generic = Set.copyOf(generic);
    }

    public boolean accepts(String name) {
        return parameters.containsKey(name) || generic.contains(name);
    }

    /** The documented parameter names, sorted (the generic ones are left out: they would bury the useful ones). */
    public Collection<String> documentedNames() {
        return new TreeSet<>(parameters.keySet());
    }

    static ConnectorSpec of(String uriPrefix, List<ParameterSpec> parameters, Set<String> required, Set<String> generic) {
        Map<String, ParameterSpec> byName = new LinkedHashMap<>();
        parameters.forEach(p -> byName.put(p.name(), p));
        return new ConnectorSpec(uriPrefix, byName, required, generic);
    }
}
