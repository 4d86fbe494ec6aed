package io.busbar.connectors.position;

import io.busbar.bus.BusException;

/** A position could not be stored or read from {@link PositionStore#TOPIC}; the message names the connector and the fix. */
public class PositionStoreException extends BusException {
    public PositionStoreException(String message) {
        super(message);
    }

    public PositionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
