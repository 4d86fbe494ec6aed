package io.busbar.kafka.handler;

import io.busbar.bus.BusException;
import org.apache.kafka.common.protocol.Errors;

/** A produce to one partition refused before reaching the log, with the Kafka error the client gets. */
final class ProduceRejectedException extends BusException {

    private final Errors error;

    ProduceRejectedException(Errors error, String message) {
        super(message);
        this.error = error;
    }

    Errors error() {
        return error;
    }
}
