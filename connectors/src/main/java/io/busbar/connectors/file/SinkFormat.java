package io.busbar.connectors.file;

import java.util.Locale;

/** How the file sink writes a record. */
public enum SinkFormat {
    /** The value, which must be one line of JSON, then a newline. */
    JSONL("jsonl"),
    /** The value, a JSON object, as a CSV row; each file starts with a header row. */
    CSV("csv"),
    /** The value's bytes unchanged, then the separator (a newline by default). */
    RAW("txt");

    private final String extension;

    SinkFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    public static SinkFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("format = '" + value + "' is invalid: use jsonl, csv or raw");
        }
    }
}
