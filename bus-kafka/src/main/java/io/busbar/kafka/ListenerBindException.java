package io.busbar.kafka;

import io.busbar.bus.BusException;

/** The listener could not bind its address (typically: the port is in use). The message names the setting to change. */
public final class ListenerBindException extends BusException {
    public ListenerBindException(String message, Throwable cause) {
        super(message, cause);
    }
}
