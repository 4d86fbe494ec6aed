package io.busbar.routes.admin;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.spi.RouteController;
import org.apache.camel.spi.SupervisingRouteController;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Pipelines (Camel routes) of the running runtime: status, figures, the steps from source to sink for the console's
 * diagram, and start/stop through Camel's route controller. Thread-safe (reads Camel's concurrent structures).
 */
public final class PipelineOperations {

    /**
     * One pipeline. status: {@code running}, {@code stopped}, {@code failed} (the supervising route controller gave
     * up or is retrying after an error) or Camel's own status in lower case while it changes.
     */
    public record PipelineView(String id, String status, String source, long exchanges, long failures,
                               long recordsOut, int inflight, double ratePerSecond, double meanLatencyMs,
                               double maxLatencyMs, PipelineEvents.LastError lastError, List<Step> steps,
                               RouteGraph.Graph graph) { }

    /** A step of the route, in order, with its nesting depth (e.g. the branches of a choice are one deeper). */
    public record Step(String kind, String label, String uri, int depth) { }

    private final CamelContext camel;
    private final PipelineEvents events;
    private final StepStatistics statistics;

    public PipelineOperations(CamelContext camel, PipelineEvents events, StepStatistics statistics) {
        this.camel = camel;
        this.events = events;
        this.statistics = statistics;
    }

    /** The pipelines: every route but those a kamelet made (they are part of the pipeline that uses the kamelet). */
    public List<PipelineView> list() {
        return pipelineIds().stream().map(this::view).toList();
    }

    List<String> pipelineIds() {
        return camel.getRoutes().stream().filter(r -> !r.isCreatedByKamelet()).map(Route::getRouteId)
                .sorted(Comparator.naturalOrder()).toList();
    }

    CamelContext camel() {
        return camel;
    }

    PipelineEvents events() {
        return events;
    }

    public PipelineView describe(String id) {
        requireRoute(id);
        return view(id);
    }

    public PipelineView start(String id) {
        requireRoute(id);
        try {
            camel.getRouteController().startRoute(id);
        } catch (Exception e) {
            throw new IllegalStateException("Pipeline '" + id + "' failed to start: " + e.getMessage(), e);
        }
        return view(id);
    }

    /** Stops gracefully: in-flight exchanges finish and bus consumers commit their offsets. */
    public PipelineView stop(String id) {
        requireRoute(id);
        try {
            camel.getRouteController().stopRoute(id);
        } catch (Exception e) {
            throw new IllegalStateException("Pipeline '" + id + "' failed to stop: " + e.getMessage(), e);
        }
        return view(id);
    }

    private void requireRoute(String id) {
        Route route = camel.getRoute(id);
        if (route == null) {
            throw new ResourceNotFoundException("No pipeline '" + id + "': the pipelines are " + pipelineIds());
        }
        if (route.isCreatedByKamelet()) {
            throw new ResourceNotFoundException("Route '" + id + "' is the inside of a kamelet, not a pipeline: start,"
                    + " stop or inspect the pipeline that uses the kamelet (one of " + pipelineIds() + ")");
        }
    }

    private PipelineView view(String id) {
        Route route = camel.getRoute(id);
        PipelineEvents.PipelineCounters c = events.counters(id);
        double mean = c.latency.count() == 0 ? 0 : c.latency.mean(TimeUnit.MILLISECONDS);
        return new PipelineView(id, status(id), route == null ? null : route.getEndpoint().getEndpointUri(),
                (long) c.exchanges.count(), (long) c.failures.count(), (long) c.recordsOut.count(),
                camel.getInflightRepository().size(id), c.ratePerSecond(), mean,
                c.latency.max(TimeUnit.MILLISECONDS), c.lastError.get(), steps(id),
                graph(id, (long) c.exchanges.count(), (long) c.failures.count(), c.lastError.get()));
    }

    private RouteGraph.Graph graph(String id, long exchanges, long failures, PipelineEvents.LastError lastError) {
        RouteDefinition def = definition(id);
        if (def == null) {
            return new RouteGraph.Graph(List.of(), List.of());
        }
        return RouteGraph.of(camel, statistics, def, exchanges, failures, lastError);
    }

    RouteDefinition definition(String id) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        return model == null ? null : model.getRouteDefinition(id);
    }

    String status(String id) {
        RouteController controller = camel.getRouteController();
        if (controller instanceof SupervisingRouteController s && s.getRestartException(id) != null) {
            return "failed";
        }
        ServiceStatus status = controller.getRouteStatus(id);
        if (status == null) {
            return "unknown";
        }
        return switch (status) {
            case Started -> "running";
            case Stopped, Suspended -> "stopped";
            default -> status.name().toLowerCase(Locale.ROOT);
        };
    }

    private List<Step> steps(String id) {
        List<Step> out = new ArrayList<>();
        RouteDefinition def = definition(id);
        if (def == null) {
            Route route = camel.getRoute(id);
            if (route != null) {
                out.add(new Step("from", "from", route.getEndpoint().getEndpointUri(), 0));
            }
            return out;
        }
        out.add(new Step("from", "from", shown(def.getInput().getEndpointUri()), 0));
        def.getOutputs().forEach(p -> addStep(p, 0, out));
        return out;
    }

    /** An endpoint URI as shown: placeholders resolved, secrets masked. */
    private String shown(String uri) {
        return uri == null ? null : EndpointUri.masked(EndpointUri.resolve(camel, uri));
    }

    private void addStep(ProcessorDefinition<?> p, int depth, List<Step> out) {
        String uri = null;
        if (p instanceof SendDefinition<?> send) {
            uri = shown(send.getEndpointUri());
        } else if (p instanceof ToDynamicDefinition dynamic) {
            uri = shown(dynamic.getUri());
        }
        out.add(new Step(p.getShortName(), RouteGraph.readable(p.getLabel()), uri, depth));
        if (out.size() < 200) {
            p.getOutputs().forEach(child -> addStep(child, depth + 1, out));
        }
    }
}
