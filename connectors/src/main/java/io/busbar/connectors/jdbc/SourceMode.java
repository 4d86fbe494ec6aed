package io.busbar.connectors.jdbc;

import java.util.Locale;

/** How the JDBC source finds new rows, named as in Kafka Connect's JDBC source. */
public enum SourceMode {
    /** Every poll publishes the whole table or query result (a snapshot); nothing is remembered between polls. */
    BULK("bulk"),
    /** Rows whose strictly increasing column is above the last one published (new rows only, not updates). */
    INCREMENTING("incrementing"),
    /**
     * Rows whose timestamp is after the last one published, ties broken by a strictly increasing id; rows are read
     * only once their timestamp is older than {@code timestampDelayMs}, so transactions that commit late are not
     * skipped. Catches inserts and updates that move the timestamp forward.
     */
    TIMESTAMP_INCREMENTING("timestamp+incrementing");

    private final String configName;

    SourceMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static SourceMode parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (SourceMode mode : values()) {
            if (mode.configName.equals(v)) {
                return mode;
            }
        }
        throw new JdbcConfigException("mode '" + value + "' is invalid: use bulk, incrementing or timestamp+incrementing");
    }
}
