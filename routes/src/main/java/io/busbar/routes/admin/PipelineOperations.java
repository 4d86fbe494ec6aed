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
                               double maxLatencyMs, PipelineEvents.LastError lastError, List<Step> steps) { }

    /** A step of the route, in order, with its nesting depth (e.g. the branches of a choice are one deeper). */
    public record Step(String kind, String label, String uri, int depth) { }

    private final CamelContext camel;
    private final PipelineEvents events;

    public PipelineOperations(CamelContext camel, PipelineEvents events) {
        this.camel = camel;
        this.events = events;
    }

    public List<PipelineView> list() {
        return camel.getRoutes().stream().map(Route::getRouteId).sorted(Comparator.naturalOrder())
                .map(this::view).toList();
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
        if (camel.getRoute(id) == null) {
            throw new ResourceNotFoundException("No pipeline '" + id + "': the pipelines are "
                    + camel.getRoutes().stream().map(Route::getRouteId).sorted().toList());
        }
    }

    private PipelineView view(String id) {
        Route route = camel.getRoute(id);
        PipelineEvents.PipelineCounters c = events.counters(id);
        double mean = c.latency.count() == 0 ? 0 : c.latency.mean(TimeUnit.MILLISECONDS);
        return new PipelineView(id, status(id), route == null ? null : route.getEndpoint().getEndpointUri(),
                (long) c.exchanges.count(), (long) c.failures.count(), (long) c.recordsOut.count(),
                camel.getInflightRepository().size(id), c.ratePerSecond(), mean,
                c.latency.max(TimeUnit.MILLISECONDS), c.lastError.get(), steps(id));
    }

    private String status(String id) {
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
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        RouteDefinition def = model == null ? null : model.getRouteDefinition(id);
        if (def == null) {
            Route route = camel.getRoute(id);
            if (route != null) {
                out.add(new Step("from", "from", route.getEndpoint().getEndpointUri(), 0));
            }
            return out;
        }
        out.add(new Step("from", "from", def.getInput().getEndpointUri(), 0));
        def.getOutputs().forEach(p -> addStep(p, 0, out));
        return out;
    }

    private static void addStep(ProcessorDefinition<?> p, int depth, List<Step> out) {
        String uri = null;
        if (p instanceof SendDefinition<?> send) {
            uri = send.getEndpointUri();
        } else if (p instanceof ToDynamicDefinition dynamic) {
            uri = dynamic.getUri();
        }
        out.add(new Step(p.getShortName(), p.getLabel(), uri, depth));
        if (out.size() < 200) {
            p.getOutputs().forEach(child -> addStep(child, depth + 1, out));
        }
    }
}
