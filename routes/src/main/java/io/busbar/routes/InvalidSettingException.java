package io.busbar.routes;

/** A runtime setting is unknown or its value has the wrong form; the message names the key and the fix. */
public class InvalidSettingException extends RuntimeException {
    public InvalidSettingException(String message) {
        super(message);
    }
}
