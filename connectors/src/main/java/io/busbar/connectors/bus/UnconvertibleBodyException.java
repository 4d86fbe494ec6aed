package io.busbar.connectors.bus;

import org.apache.camel.RuntimeCamelException;

/** An exchange body has no conversion to record bytes; the message names the body's type and the fix. */
public class UnconvertibleBodyException extends RuntimeCamelException {
    public UnconvertibleBodyException(String message) {
        super(message);
    }
}
