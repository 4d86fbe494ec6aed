package io.busbar.routes.admin;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Keeps {@code /metrics} within Prometheus's naming rules (as {@code promtool check metrics} checks them) where
 * Micrometer's own binders break them: {@code process_cpu_time_ns_total} (an abbreviated unit: the same figure is
 * {@code process_cpu_usage}) is dropped and {@code system_cpu_count} (a {@code _count} suffix, which Prometheus
 * reserves for histograms and summaries) is published as {@code system_cpus}. Apply before binding any meter.
 */
final class PrometheusNaming {

    private PrometheusNaming() {
    }

    static void apply(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
    }
}
