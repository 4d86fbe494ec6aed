package io.busbar.connectors.bus;

/** A pipeline's principal may not use a topic or group (see {@link BusAccessCheck}); the route does not start. */
public final class BusAccessDeniedException extends RuntimeException {

    public BusAccessDeniedException(String message) {
        super(message);
    }
}
