package io.busbar.bus;

/** A record or batch is larger than the topic's max.message.bytes. */
public class RecordTooLargeException extends BusException {
    public RecordTooLargeException(String message) {
        super(message);
    }

    public RecordTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
