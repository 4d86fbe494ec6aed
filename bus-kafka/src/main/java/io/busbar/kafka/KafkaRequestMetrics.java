package io.busbar.kafka;

import io.busbar.bus.LatencyHistogram;
import io.busbar.kafka.handler.ApiHandler;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per Kafka API (produce, fetch, ...): how many requests the listener answered, how many failed, and how long each
 * took from its handler starting to its answer being ready (a long-poll fetch counts its wait, as Kafka's own
 * request time does). Recording is a few atomic increments on the thread completing the answer. Thread-safe.
 */
public final class KafkaRequestMetrics {

    /** One API's figures. */
    public record ApiFigures(LatencyHistogram.Snapshot latency, long errors) { }

    private final Map<ApiKeys, LatencyHistogram> latencies = new ConcurrentHashMap<>();
    private final Map<ApiKeys, LongAdder> errors = new ConcurrentHashMap<>();

    /** The handlers, each timed into these metrics. */
    Map<ApiKeys, ApiHandler> timed(Map<ApiKeys, ApiHandler> handlers) {
        Map<ApiKeys, ApiHandler> timed = new EnumMap<>(ApiKeys.class);
        handlers.forEach((api, handler) -> timed.put(api, timed(api, handler)));
        return Collections.unmodifiableMap(timed);
    }

    private ApiHandler timed(ApiKeys api, ApiHandler handler) {
        LatencyHistogram latency = latencies.computeIfAbsent(api, a -> new LatencyHistogram());
        LongAdder failed = errors.computeIfAbsent(api, a -> new LongAdder());
        return (context, request) -> {
            long started = System.nanoTime();
            CompletableFuture<ApiMessage> answer = handler.handle(context, request);
            if (answer == null) {
                return null; // the dispatcher reports a handler returning null
            }
            answer.whenComplete((body, error) -> {
                latency.record(System.nanoTime() - started);
                if (error != null) {
                    failed.increment();
                }
            });
            return answer;
        };
    }

    /** Figures per API (lower-case Kafka API name, e.g. {@code produce}), for every API served. */
    public Map<String, ApiFigures> snapshot() {
        Map<String, ApiFigures> out = new TreeMap<>();
        latencies.forEach((api, latency) -> out.put(api.name().toLowerCase(Locale.ROOT),
                new ApiFigures(latency.snapshot(), errors.get(api).sum())));
        return out;
    }
}
