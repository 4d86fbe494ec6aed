package io.busbar.routes.admin;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exchanges and failures per step of each pipeline, with the step's last error, for the pipeline diagram. Camel's own
 * per-processor statistics (ManagedProcessor MBeans) need camel-management and JMX, which the runtime does not ship:
 * this intercept strategy counts the same thing with two {@link LongAdder}s per step. Registered on the CamelContext
 * before the routes are built, so every step of every route (reloaded ones too) is wrapped. Thread-safe: counters are
 * updated on Camel's threads, read by the admin API's.
 */
public final class StepStatistics implements InterceptStrategy {

    /** One step's figures. */
    public record Figures(long exchanges, long failures, PipelineEvents.LastError lastError) {
        static final Figures NONE = new Figures(0, 0, null);
    }

    static final class Counters {
        final LongAdder exchanges = new LongAdder();
        final LongAdder failures = new LongAdder();
        final AtomicReference<PipelineEvents.LastError> lastError = new AtomicReference<>();

        void done(Exchange exchange) {
            exchanges.increment();
            Throwable error = exchange.getException();
            if (error != null) {
                failures.increment();
                lastError.set(new PipelineEvents.LastError(error.getClass().getName(), error.getMessage(),
                        exchange.getExchangeId(), System.currentTimeMillis()));
            }
        }
    }

    private final Map<String, Counters> steps = new ConcurrentHashMap<>();

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        if (!(definition instanceof ProcessorDefinition<?> step)) {
            return target;
        }
        RouteDefinition route = ProcessorDefinitionHelper.getRoute(step);
        if (route == null || route.getRouteId() == null || step.getId() == null) {
            return target;
        }
        Counters counters = steps.computeIfAbsent(key(route.getRouteId(), step.getId()), k -> new Counters());
        return new DelegateAsyncProcessor(AsyncProcessorConverterHelper.convert(target)) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                return processor.process(exchange, done -> {
                    counters.done(exchange);
                    callback.done(done);
                });
            }
        };
    }

    /** The figures of a step ({@code nodeId} as Camel assigned it), zero when it never ran. */
    public Figures of(String routeId, String nodeId) {
        Counters c = nodeId == null ? null : steps.get(key(routeId, nodeId));
        if (c == null) {
            return Figures.NONE;
        }
        return new Figures(c.exchanges.sum(), c.failures.sum(), c.lastError.get());
    }

    private static String key(String routeId, String nodeId) {
        return routeId + '\u0000' + nodeId;
    }
}
