package io.busbar.connectors.jdbc;

import java.util.Locale;

/** How the JDBC sink writes a record. */
public enum WriteMode {
    /** INSERT; a record whose key is already in the table fails the batch (use upsert for replays). */
    INSERT,
    /** Insert or update on the key: H2 {@code MERGE ... KEY}, PostgreSQL {@code ON CONFLICT}, MariaDB {@code ON DUPLICATE KEY}. */
    UPSERT;

    public static WriteMode parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "insert" -> INSERT;
            case "upsert" -> UPSERT;
            default -> throw new JdbcConfigException("writeMode '" + value + "' is invalid: use insert or upsert");
        };
    }
}
