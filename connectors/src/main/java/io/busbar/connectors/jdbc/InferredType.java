package io.busbar.connectors.jdbc;

/**
 * The SQL type a JSON field gets when the sink creates its column ({@link ColumnTypeInference}), before it is spelt
 * in a dialect ({@link DdlGenerator}). Integers are always {@link #BIGINT}: a sample of small numbers says little
 * about the next ones, and eight bytes are cheap. Widening only ever goes towards a type that holds both values.
 */
public enum InferredType {
    BOOLEAN, BIGINT, DECIMAL, DATE, TIMESTAMP, TIMESTAMPTZ, TEXT;

    /**
     * The narrowest type holding values of both: {@code BIGINT + DECIMAL = DECIMAL}; a local and a zoned timestamp
     * make a {@link #TIMESTAMP} (the zoned ones are converted to the sink's {@code timestampZone}); anything else
     * that differs is {@link #TEXT}. {@code null} (no value seen yet) widens to the other.
     */
    public InferredType widen(InferredType other) {
        if (other == null || other == this) {
            return this;
        }
        if (isNumber() && other.isNumber()) {
            return DECIMAL;
        }
        if (isTimestamp() && other.isTimestamp()) {
            return TIMESTAMP;
        }
        return TEXT;
    }

    private boolean isNumber() {
        return this == BIGINT || this == DECIMAL;
    }

    private boolean isTimestamp() {
        return this == TIMESTAMP || this == TIMESTAMPTZ;
    }
}
