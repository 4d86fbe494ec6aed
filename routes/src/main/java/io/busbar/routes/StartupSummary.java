package io.busbar.routes;

import io.busbar.bus.Bus;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;

import java.util.List;
import java.util.TreeSet;

/** The block printed once the pipelines run: what was loaded, which topics and endpoints, where data lives. */
final class StartupSummary {

    private StartupSummary() {
    }

    static String render(String version, BusbarSettings settings, PipelineFiles pipelines, CamelContext camel,
                         Bus bus, List<BusbarService> services) {
        StringBuilder s = new StringBuilder();
        s.append("Busbar ").append(version).append(" running\n");
        s.append("  data directory : ").append(settings.getPath(RuntimeKeys.DATA_DIR).toAbsolutePath().normalize())
                .append(" (durability ").append(settings.get(RuntimeKeys.DURABILITY)).append(")\n");
        s.append("  pipeline files : ").append(pipelines.files().isEmpty()
                ? "none: serving the bus alone (its listeners below)" : pipelines.files().size()).append('\n');
        for (var f : pipelines.files()) {
            s.append("    ").append(f).append('\n');
        }
        s.append("  routes         : ").append(camel.getRoutes().size()).append('\n');
        for (Route r : camel.getRoutes()) {
            s.append("    ").append(r.getRouteId()).append(": ").append(r.getEndpoint().getEndpointBaseUri()).append('\n');
        }
        TreeSet<String> endpoints = new TreeSet<>();
        for (Endpoint e : camel.getEndpoints()) {
            endpoints.add(e.getEndpointBaseUri());
        }
        s.append("  endpoints      : ").append(endpoints.isEmpty() ? "none" : String.join(", ", endpoints)).append('\n');
        TreeSet<String> topics = new TreeSet<>(bus.admin().listTopics(false));
        s.append("  topics         : ").append(topics.isEmpty() ? "none yet" : String.join(", ", topics)).append('\n');
        TreeSet<String> listeners = new TreeSet<>();
        for (BusbarService service : services) {
            service.endpoints().forEach(e -> listeners.add(service.name() + " " + e));
        }
        s.append("  listeners      : ").append(listeners.isEmpty() ? "none" : String.join(", ", listeners)).append('\n');
        s.append("  hot reload     : ").append(settings.getBoolean(RuntimeKeys.RELOAD_ENABLED) && pipelines.reloadDirectory() != null
                ? "watching " + pipelines.reloadDirectory() : "off").append('\n');
        s.append("Stop with Ctrl-C (SIGTERM): in-flight exchanges finish and offsets are committed.");
        return s.toString();
    }
}
