package io.busbar.kafka.codec;

/** A frame that is not a request we can read: unknown API key, unsupported version, or a body that does not parse. */
public final class MalformedRequestException extends RuntimeException {
    public MalformedRequestException(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedRequestException(String message) {
        super(message);
    }
}
