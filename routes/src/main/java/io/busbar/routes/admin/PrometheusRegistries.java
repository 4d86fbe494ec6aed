package io.busbar.routes.admin;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runtime's one meter registry, shared by its services and Camel (so {@code /metrics} shows the bus, the Kafka
 * listener, the pipelines and the JVM together). It keeps {@code /metrics} within Prometheus's naming rules (as {@code promtool check metrics} checks them) where
 * Micrometer's own binders break them: {@code process_cpu_time_ns_total} (an abbreviated unit: the same figure is
 * {@code process_cpu_usage}) is dropped and {@code system_cpu_count} (a {@code _count} suffix, which Prometheus
 * reserves for histograms and summaries) is published as {@code system_cpus}; camel-micrometer's camelCase tags
 * ({@code routeId}, {@code camelContext}) become snake_case labels ({@code route_id}) and a meter without a
 * description gets its name as help text.
 */
public final class PrometheusRegistries {

    private PrometheusRegistries() {
    }

    /** A new registry with the naming filters in place. */
    public static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        applyNaming(registry);
        return registry;
    }

    static String snakeCase(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static void applyNaming(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String name = id.getName().equals("system.cpu.count") ? "system.cpus" : id.getName();
                List<Tag> tags = new ArrayList<>();
                id.getTagsAsIterable().forEach(t -> tags.add(Tag.of(snakeCase(t.getKey()), t.getValue())));
                String description = id.getDescription() != null ? id.getDescription() : name;
                return new Meter.Id(name, Tags.of(tags), id.getBaseUnit(), description, id.getType());
            }
        });
    }
}
