package io.busbar.connectors.jdbc;

/**
 * A record cannot be written to the table: it is not a JSON object, a field has no column, or a value does not fit
 * its column's type. The sink stops on it (nothing after it is committed) until the data or the mapping is fixed.
 */
public class RecordMappingException extends RuntimeException {
    public RecordMappingException(String message) {
        super(message);
    }

    public RecordMappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
