package io.busbar.connectors.jdbc;

/**
 * Settings of one JDBC source instance. Immutable; {@link #validate()} checks them together and names the fix.
 *
 * @param connectorId        the instance's name: the key of its position in {@code __connector_positions}
 * @param topic              where rows are published
 * @param table              the table to read (or {@code query})
 * @param query              a SELECT to read instead of a table (wrapped as a subquery; no ORDER BY of its own)
 * @param mode               how new rows are found
 * @param incrementingColumn strictly increasing integer column (incrementing, timestamp+incrementing)
 * @param timestampColumn    timestamp column (timestamp+incrementing)
 * @param keyColumn          column(s), comma separated, whose value is the record key; default: the table's primary key
 * @param batchSize          most rows read per query and published per durable batch
 * @param queryTimeoutSeconds JDBC query timeout
 * @param timestampDelayMs   only rows whose timestamp is at least this old are read (room for late commits)
 * @param pollIntervalMs     pause between polls once the source has caught up
 */
public record JdbcSourceConfig(String connectorId, String topic, String table, String query, SourceMode mode,
                               String incrementingColumn, String timestampColumn, String keyColumn, int batchSize,
                               int queryTimeoutSeconds, long timestampDelayMs, long pollIntervalMs) {

    public JdbcSourceConfig validate() {
        require(connectorId, "connectorId", "a name unique to this source, e.g. orders-db");
        require(topic, "topic", "the topic rows are published to, e.g. orders");
        if (blank(table) == blank(query)) {
            throw new JdbcConfigException("JDBC source '" + connectorId + "': set exactly one of table and query"
                    + " (table=orders, or query=SELECT id, total FROM orders WHERE total > 0)");
        }
        if (mode != SourceMode.BULK) {
            require(incrementingColumn, "incrementingColumn", "a strictly increasing integer column, e.g. id");
        }
        if (mode == SourceMode.TIMESTAMP_INCREMENTING) {
            require(timestampColumn, "timestampColumn", "the row's last-modified timestamp column, e.g. updated_at");
        }
        if (batchSize < 1) {
            throw new JdbcConfigException("JDBC source '" + connectorId + "': batchSize = " + batchSize + " is invalid: use at least 1");
        }
        if (queryTimeoutSeconds < 0 || timestampDelayMs < 0 || pollIntervalMs < 1) {
            throw new JdbcConfigException("JDBC source '" + connectorId + "': queryTimeoutSeconds and timestampDelayMs"
                    + " must be >= 0 and pollIntervalMs >= 1");
        }
        return this;
    }

    /** A config with the documented defaults, to adjust with the {@code with*} methods. */
    public static JdbcSourceConfig of(String connectorId, String topic, String table, SourceMode mode,
                                      String incrementingColumn, String timestampColumn) {
        return new JdbcSourceConfig(connectorId, topic, table, null, mode, incrementingColumn, timestampColumn,
                null, 1000, 30, 0, 1000);
    }

    public JdbcSourceConfig withQuery(String newQuery) {
        return new JdbcSourceConfig(connectorId, topic, null, newQuery, mode, incrementingColumn, timestampColumn,
                keyColumn, batchSize, queryTimeoutSeconds, timestampDelayMs, pollIntervalMs);
    }

    public JdbcSourceConfig withKeyColumn(String v) {
        return new JdbcSourceConfig(connectorId, topic, table, query, mode, incrementingColumn, timestampColumn,
                v, batchSize, queryTimeoutSeconds, timestampDelayMs, pollIntervalMs);
    }

    public JdbcSourceConfig withBatchSize(int v) {
        return new JdbcSourceConfig(connectorId, topic, table, query, mode, incrementingColumn, timestampColumn,
                keyColumn, v, queryTimeoutSeconds, timestampDelayMs, pollIntervalMs);
    }

    public JdbcSourceConfig withTimestampDelayMs(long v) {
        return new JdbcSourceConfig(connectorId, topic, table, query, mode, incrementingColumn, timestampColumn,
                keyColumn, batchSize, queryTimeoutSeconds, v, pollIntervalMs);
    }

    public JdbcSourceConfig withPollIntervalMs(long v) {
        return new JdbcSourceConfig(connectorId, topic, table, query, mode, incrementingColumn, timestampColumn,
                keyColumn, batchSize, queryTimeoutSeconds, timestampDelayMs, v);
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private void require(String value, String name, String example) {
        if (blank(value)) {
            throw new JdbcConfigException("JDBC source '" + connectorId + "': " + name + " is required: set it to "
                    + example);
        }
    }
}
