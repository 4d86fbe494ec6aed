package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Infers a column type per JSON field from the records seen, widening as values disagree ({@link InferredType#widen}):
 * JSON booleans are BOOLEAN, integers BIGINT, other numbers DECIMAL; text in ISO-8601 form is DATE
 * ({@code 2026-11-25}), TIMESTAMP ({@code 2026-11-25T13:45:10.5}) or TIMESTAMPTZ (with {@code Z} or an offset);
 * other text, and nested objects and arrays (stored as JSON text), are TEXT. Null, and the empty string when
 * empty strings are NULL, say nothing about the type: a field that never had a value is {@code null} here (the
 * DDL makes it TEXT). Fields keep the order in which they were first seen. Not thread-safe.
 */
public final class ColumnTypeInference {

    private final boolean emptyStringAsNull;
    private final Map<String, InferredType> types = new LinkedHashMap<>();

    public ColumnTypeInference(boolean emptyStringAsNull) {
        this.emptyStringAsNull = emptyStringAsNull;
    }

    /** Takes in the fields of one record value (a JSON object; anything else is ignored). */
    public void observe(JsonNode value) {
        if (value == null || !value.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            InferredType type = typeOf(field.getValue());
            InferredType seen = types.get(field.getKey());
            types.put(field.getKey(), seen == null ? type : seen.widen(type)); // null: no value seen yet
        }
    }

    /** Field name → inferred type, in first-seen order; {@code null} for a field that only ever was null. */
    public Map<String, InferredType> types() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    /** The type of one value, or null when it carries none (null, or an empty string taken as NULL). */
    InferredType typeOf(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isBoolean()) {
            return InferredType.BOOLEAN;
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? InferredType.BIGINT : InferredType.DECIMAL;
        }
        if (v.isNumber()) {
            return InferredType.DECIMAL;
        }
        if (v.isTextual()) {
            String s = v.textValue();
            if (s.isEmpty()) {
                return emptyStringAsNull ? null : InferredType.TEXT;
            }
            return temporalType(s);
        }
        return InferredType.TEXT; // objects and arrays: JSON text
    }

    private static InferredType temporalType(String s) {
        if (s.length() < 10 || !Character.isDigit(s.charAt(0)) || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return InferredType.TEXT;
        }
        try {
            if (s.length() == 10) {
                LocalDate.parse(s);
                return InferredType.DATE;
            }
            if (s.charAt(10) != 'T') {
                return InferredType.TEXT;
            }
            if (s.endsWith("]")) {
                ZonedDateTime.parse(s); // a region: only convertible, so a timestamp without zone
                return InferredType.TIMESTAMP;
            }
            if (s.endsWith("Z") || s.endsWith("z") || s.indexOf('+', 19) > 0 || s.indexOf('-', 19) > 0) {
                OffsetDateTime.parse(s);
                return InferredType.TIMESTAMPTZ;
            }
            LocalDateTime.parse(s);
            return InferredType.TIMESTAMP;
        } catch (DateTimeException e) {
            return InferredType.TEXT;
        }
    }

}
