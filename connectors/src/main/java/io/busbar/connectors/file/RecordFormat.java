package io.busbar.connectors.file;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a file is cut into records. */
public enum RecordFormat {
    /** The whole file is one record (bounded by the topic's {@code max.message.bytes}). */
    WHOLE,
    /** One record per line; the value is the line without its line break. */
    LINES,
    /** RFC 4180 CSV via commons-csv; with a header row each record becomes a JSON object, else a JSON array. */
    CSV,
    /** One JSON document per line; each line is checked to be valid JSON. */
    JSONL;

    /** Parses a user's setting, case-insensitively; the error names the setting and the choices. */
    public static RecordFormat parse(String setting, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(setting + " = '" + value + "' is invalid: use one of "
                    + Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }
}
