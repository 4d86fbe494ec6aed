package io.busbar.connectors.jdbc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of one JDBC sink instance. Immutable; {@link #validate()} names the fix for bad combinations.
 *
 * @param topic             the topic consumed
 * @param groupId           the consumer group (its committed offsets say how far the sink has written)
 * @param table             the target table
 * @param writeMode         insert or upsert
 * @param keyColumns        upsert/delete key columns; empty: the table's primary key
 * @param deleteOnTombstone a record with a null value deletes the row of its key (else tombstones are skipped)
 * @param fieldMap          JSON field name to column name, for fields whose names differ; others map by name
 * @param ignoreUnknownFields skip JSON fields that have no column (else the record fails with the fix)
 * @param exactlyOnce       store consumed offsets in {@code offsetsTable} in the same transaction as the rows
 * @param offsetsTable      the table holding those offsets (created if missing)
 * @param batchSize         most records per transaction
 * @param pollTimeoutMs     how long one poll waits for records
 */
public record JdbcSinkConfig(String topic, String groupId, String table, WriteMode writeMode, List<String> keyColumns,
                             boolean deleteOnTombstone, Map<String, String> fieldMap, boolean ignoreUnknownFields,
                             boolean exactlyOnce,
                             String offsetsTable, int batchSize, long pollTimeoutMs) {

    public static final String DEFAULT_OFFSETS_TABLE = "busbar_sink_offsets";

    public JdbcSinkConfig {
        keyColumns = keyColumns == null ? List.of() : List.copyOf(keyColumns);
        fieldMap = fieldMap == null ? Map.of() : Map.copyOf(fieldMap);
    }

    /** A config with the documented defaults: insert, no deletes, at-least-once, batches of 1000. */
    public static JdbcSinkConfig of(String topic, String groupId, String table) {
        return new JdbcSinkConfig(topic, groupId, table, WriteMode.INSERT, List.of(), false, Map.of(), false, false,
                DEFAULT_OFFSETS_TABLE, 1000, 500);
    }

    public JdbcSinkConfig withUpsert(List<String> keys) {
        return new JdbcSinkConfig(topic, groupId, table, WriteMode.UPSERT, keys, deleteOnTombstone, fieldMap,
                ignoreUnknownFields, exactlyOnce, offsetsTable, batchSize, pollTimeoutMs);
    }

    public JdbcSinkConfig withDeleteOnTombstone(boolean v) {
        return new JdbcSinkConfig(topic, groupId, table, writeMode, keyColumns, v, fieldMap, ignoreUnknownFields, exactlyOnce,
                offsetsTable, batchSize, pollTimeoutMs);
    }

    public JdbcSinkConfig withFieldMap(Map<String, String> v) {
        return new JdbcSinkConfig(topic, groupId, table, writeMode, keyColumns, deleteOnTombstone, v, ignoreUnknownFields, exactlyOnce,
                offsetsTable, batchSize, pollTimeoutMs);
    }

    public JdbcSinkConfig withIgnoreUnknownFields(boolean v) {
        return new JdbcSinkConfig(topic, groupId, table, writeMode, keyColumns, deleteOnTombstone, fieldMap, v,
                exactlyOnce, offsetsTable, batchSize, pollTimeoutMs);
    }

    public JdbcSinkConfig withExactlyOnce(boolean v) {
        return new JdbcSinkConfig(topic, groupId, table, writeMode, keyColumns, deleteOnTombstone, fieldMap, ignoreUnknownFields, v,
                offsetsTable, batchSize, pollTimeoutMs);
    }

    public JdbcSinkConfig withBatchSize(int v) {
        return new JdbcSinkConfig(topic, groupId, table, writeMode, keyColumns, deleteOnTombstone, fieldMap,
                ignoreUnknownFields, exactlyOnce, offsetsTable, v, pollTimeoutMs);
    }

    public JdbcSinkConfig validate() {
        require(topic, "topic", "orders");
        require(groupId, "groupId", "orders-to-reporting");
        require(table, "table", "order_report");
        if (writeMode == null) {
            throw new JdbcConfigException("JDBC sink of topic " + topic + ": writeMode is required: use insert or upsert");
        }
        if (exactlyOnce) {
            require(offsetsTable, "offsetsTable", DEFAULT_OFFSETS_TABLE);
        }
        if (batchSize < 1 || pollTimeoutMs < 1) {
            throw new JdbcConfigException("JDBC sink of topic " + topic + ": batchSize and pollTimeoutMs must be at least 1");
        }
        return this;
    }

    /**
     * Parses {@code field:column,field2:column2} (the kamelet's {@code fieldMap} property); blank means none.
     */
    public static Map<String, String> parseFieldMap(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return map;
        }
        for (String pair : text.split(",")) {
            String[] kv = pair.split(":", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new JdbcConfigException("fieldMap entry '" + pair.trim() + "' is invalid: write field:column"
                        + " pairs separated by commas, e.g. customerName:customer,total:amount");
            }
            map.put(kv[0].trim(), kv[1].trim());
        }
        return map;
    }

    private void require(String value, String name, String example) {
        if (value == null || value.isBlank()) {
            throw new JdbcConfigException("JDBC sink: " + name + " is required: set it, e.g. " + name + "=" + example);
        }
    }
}
