package io.busbar.bus.embedded;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;

/** Placeholder until the embedded bus lands. */
public final class EmbeddedBus {
    private EmbeddedBus() {
    }

    public static Bus open(BusConfig config) {
        throw new UnsupportedOperationException("not yet");
    }
}
