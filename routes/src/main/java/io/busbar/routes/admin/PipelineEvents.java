package io.busbar.routes.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts, per pipeline (Camel route id), the exchanges it completed, those that failed (unhandled, or handled by an
 * error handler such as a dead-letter channel), the records it sent to endpoints, its latency, and keeps its last
 * error. Feeds both the admin API and Micrometer ({@code busbar.pipeline.*}). Exchange events arrive on Camel's
 * threads: counters are lock-free and the rate is updated by the metrics sampler. Thread-safe.
 */
public final class PipelineEvents extends EventNotifierSupport {

    /** The last failure of a pipeline. */
    public record LastError(String exceptionClass, String message, String exchangeId, long at) { }

    /** One pipeline's figures. Counters come from Micrometer so the API and /metrics never disagree. */
    static final class PipelineCounters {
        final Counter exchanges;
        final Counter failures;
        final Counter recordsOut;
        final Timer latency;
        final AtomicReference<LastError> lastError = new AtomicReference<>();
        private double lastCount;
        private long lastSampleNanos = System.nanoTime();
        private volatile double ratePerSecond;

        PipelineCounters(MeterRegistry registry, String pipeline) {
            exchanges = Counter.builder("busbar.pipeline.exchanges").tag("pipeline", pipeline)
                    .description("Exchanges the pipeline finished (completed or failed)").register(registry);
            failures = Counter.builder("busbar.pipeline.failures").tag("pipeline", pipeline)
                    .description("Exchanges that failed, whether or not an error handler then handled them")
                    .register(registry);
            recordsOut = Counter.builder("busbar.pipeline.records.out").tag("pipeline", pipeline)
                    .description("Messages the pipeline sent to endpoints (to, wireTap, ...)").register(registry);
            latency = Timer.builder("busbar.pipeline.latency").tag("pipeline", pipeline)
                    .description("Time from an exchange's creation to its end").register(registry);
        }

        /** Called by one thread (the sampler): exchanges per second since the previous call. */
        synchronized void sampleRate() {
            long now = System.nanoTime();
            double count = exchanges.count();
            double seconds = (now - lastSampleNanos) / 1e9;
            if (seconds > 0) {
                ratePerSecond = (count - lastCount) / seconds;
            }
            lastCount = count;
            lastSampleNanos = now;
        }

        double ratePerSecond() {
            return ratePerSecond;
        }
    }

    private final MeterRegistry registry;
    private final Map<String, PipelineCounters> pipelines = new ConcurrentHashMap<>();

    public PipelineEvents(MeterRegistry registry) {
        this.registry = registry;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof CamelEvent.ExchangeEvent e)) {
            return;
        }
        Exchange exchange = e.getExchange();
        String pipeline = exchange.getFromRouteId();
        if (pipeline == null) {
            return;
        }
        PipelineCounters c = counters(pipeline);
        if (event instanceof CamelEvent.ExchangeSentEvent) {
            c.recordsOut.increment();
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent) {
            c.exchanges.increment();
            c.latency.record(exchange.getClock().elapsed(), TimeUnit.MILLISECONDS);
        } else if (event instanceof CamelEvent.ExchangeFailedEvent) {
            c.exchanges.increment();
            c.failures.increment();
            c.latency.record(exchange.getClock().elapsed(), TimeUnit.MILLISECONDS);
            recordError(c, exchange, exchange.getException());
        } else if (event instanceof CamelEvent.ExchangeFailureHandledEvent) {
            c.failures.increment();
            recordError(c, exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        }
    }

    private static void recordError(PipelineCounters c, Exchange exchange, Throwable error) {
        if (error != null) {
            c.lastError.set(new LastError(error.getClass().getName(), error.getMessage(), exchange.getExchangeId(),
                    System.currentTimeMillis()));
        }
    }

    PipelineCounters counters(String pipeline) {
        return pipelines.computeIfAbsent(pipeline, id -> new PipelineCounters(registry, id));
    }

    Map<String, PipelineCounters> snapshot() {
        return Map.copyOf(pipelines);
    }

    /** Updates every pipeline's rate; called periodically by one thread. */
    void sampleRates() {
        pipelines.values().forEach(PipelineCounters::sampleRate);
    }
}
