package io.busbar.routes;

import io.busbar.bus.Bus;

/**
 * What a {@link BusbarService} is given at start: the bus the pipelines use and the resolved settings
 * (read its own keys with {@code settings.get(key)}). Immutable.
 */
public record ServiceContext(Bus bus, BusbarSettings settings) {
}
