package io.busbar.connectors.bus;

import org.apache.camel.RuntimeCamelException;

/** The {@code bus:} component found no {@link io.busbar.bus.Bus} to use; the message says how to provide one. */
public class MissingBusException extends RuntimeCamelException {
    public MissingBusException(String message) {
        super(message);
    }
}
