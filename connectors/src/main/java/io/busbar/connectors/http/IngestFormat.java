package io.busbar.connectors.http;

import java.util.Locale;

/** What an ingest body must be; see {@link HttpIngestConfiguration#setFormat}. */
enum IngestFormat {
    JSON, TEXT, BINARY;

    static IngestFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("HTTP ingest format '" + name + "' is unknown: use json, text or binary");
        }
    }
}
