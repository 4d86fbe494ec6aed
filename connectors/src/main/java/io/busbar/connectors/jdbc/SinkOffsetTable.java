package io.busbar.connectors.jdbc;

import io.busbar.bus.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exactly-once sink's offsets, kept in the target database so they commit atomically with the rows:
 * one row per (group, topic, partition) holding the next offset to consume. Layout:
 * {@code (group_id VARCHAR(255), topic VARCHAR(255), partition_id INT, next_offset BIGINT,
 * PRIMARY KEY (group_id, topic, partition_id))}. Stateless apart from its names; thread-safe.
 */
final class SinkOffsetTable {

    private final JdbcDialect dialect;
    private final String table;
    private final String upsert;

    SinkOffsetTable(JdbcDialect dialect, String table) {
        this.dialect = dialect;
        this.table = table;
        this.upsert = dialect.upsert(table, List.of("group_id", "topic", "partition_id", "next_offset"),
                List.of("group_id", "topic", "partition_id"));
    }

    void createIfMissing(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + dialect.quoteQualified(table) + " ("
                    + dialect.quote("group_id") + " VARCHAR(255) NOT NULL, "
                    + dialect.quote("topic") + " VARCHAR(255) NOT NULL, "
                    + dialect.quote("partition_id") + " INT NOT NULL, "
                    + dialect.quote("next_offset") + " BIGINT NOT NULL, "
                    + "PRIMARY KEY (" + dialect.joinQuoted(List.of("group_id", "topic", "partition_id")) + "))");
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    /** The stored next offsets of this group for the topic. */
    Map<TopicPartition, Long> read(Connection connection, String groupId, String topic) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + dialect.quote("partition_id") + ", "
                + dialect.quote("next_offset") + " FROM " + dialect.quoteQualified(table) + " WHERE "
                + dialect.quote("group_id") + " = ? AND " + dialect.quote("topic") + " = ?")) {
            ps.setString(1, groupId);
            ps.setString(2, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    offsets.put(new TopicPartition(topic, rs.getInt(1)), rs.getLong(2));
                }
            }
        }
        return offsets;
    }

    /** Stores the next offsets inside the caller's transaction. */
    void write(Connection connection, String groupId, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(upsert)) {
            for (Map.Entry<TopicPartition, Long> e : nextOffsets.entrySet()) {
                ps.setString(1, groupId);
                ps.setString(2, e.getKey().topic());
                ps.setInt(3, e.getKey().partition());
                ps.setLong(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
