package io.busbar.connectors.jdbc;

import io.busbar.bus.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The exactly-once sink's offsets, kept in the target database so they commit atomically with the rows:
 * one row per (group, topic, partition) holding the next offset to consume and the partition's owner epoch. Layout:
 * {@code (group_id VARCHAR(255), topic VARCHAR(255), partition_id INT, next_offset BIGINT, owner_epoch BIGINT,
 * PRIMARY KEY (group_id, topic, partition_id))}; a table from before the owner epoch gets the column added.
 *
 * <p>Fencing: a member that is assigned a partition {@link #claim claims} it, raising the row's owner epoch in its own
 * transaction, and every later offset write of that member is conditional on the epoch it claimed. A member that lost
 * the partition in a rebalance without knowing it yet (a zombie: paused by GC, a slow database) still holds the old
 * epoch, so its write matches no row, and {@link #write} throws {@link FencedSinkWriterException}: the writer rolls
 * back its whole transaction, rows included, and the new owner's offsets stand. The row locks of the database order a
 * claim and a write that race. Not thread-safe (one sink task drives it); a prepared {@link Write} may run on another
 * thread.
 */
final class SinkOffsetTable {

    /** The next offset stored for a partition claimed before anything was written. */
    private static final long NONE = -1;

    private final JdbcDialect dialect;
    private final String table;
    /** The epoch this member claimed per partition. */
    private final Map<TopicPartition, Long> claimed = new HashMap<>();

    SinkOffsetTable(JdbcDialect dialect, String table) {
        this.dialect = dialect;
        this.table = table;
    }

    void createIfMissing(Connection connection) throws SQLException {
        try {
            create(connection);
        } catch (SQLException e) {
            if (!SqlErrors.createdConcurrently(e)) {
                throw e;
            }
            // another member created it (or added the column) at the same moment and has committed: now a no-op
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            create(connection);
        }
    }

    private void create(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + dialect.quoteQualified(table) + " ("
                    + dialect.quote("group_id") + " VARCHAR(255) NOT NULL, "
                    + dialect.quote("topic") + " VARCHAR(255) NOT NULL, "
                    + dialect.quote("partition_id") + " INT NOT NULL, "
                    + dialect.quote("next_offset") + " BIGINT NOT NULL, "
                    + dialect.quote("owner_epoch") + " BIGINT DEFAULT 0 NOT NULL, "
                    + "PRIMARY KEY (" + dialect.joinQuoted(List.of("group_id", "topic", "partition_id")) + "))");
            if (!hasOwnerEpoch(connection)) {
                st.execute("ALTER TABLE " + dialect.quoteQualified(table) + " ADD " + dialect.quote("owner_epoch")
                        + " BIGINT DEFAULT 0 NOT NULL");
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    private boolean hasOwnerEpoch(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + dialect.quoteQualified(table) + " WHERE 1 = 0")) {
            var meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                if (meta.getColumnName(i).toLowerCase(Locale.ROOT).equals("owner_epoch")) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Takes ownership of the partitions: raises each row's owner epoch (creating the row if missing) and commits, then
     * returns the stored next offsets (absent: nothing written yet). From now on an older owner's writes are refused.
     */
    Map<TopicPartition, Long> claim(Connection connection, String groupId, Collection<TopicPartition> partitions)
            throws SQLException {
        Map<TopicPartition, Long> next = new HashMap<>();
        try {
            for (TopicPartition tp : partitions) {
                if (bumpEpoch(connection, groupId, tp) == 0) {
                    try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + dialect.quoteQualified(table)
                            + " (" + dialect.joinQuoted(List.of("group_id", "topic", "partition_id", "next_offset",
                            "owner_epoch")) + ") VALUES (?, ?, ?, ?, 1)")) {
                        bindKey(ps, groupId, tp);
                        ps.setLong(4, NONE);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = connection.prepareStatement("SELECT " + dialect.quote("next_offset") + ", "
                        + dialect.quote("owner_epoch") + " FROM " + dialect.quoteQualified(table) + where())) {
                    bindKey(ps, groupId, tp);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) != NONE) {
                            next.put(tp, rs.getLong(1));
                        }
                        claimed.put(tp, rs.getLong(2));
                    }
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            // two members claiming a partition that has no row yet: one INSERT fails on the key; the claim is retried
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            partitions.forEach(claimed::remove);
            throw e;
        }
        return next;
    }

    private int bumpEpoch(Connection connection, String groupId, TopicPartition tp) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + dialect.quoteQualified(table) + " SET "
                + dialect.quote("owner_epoch") + " = " + dialect.quote("owner_epoch") + " + 1" + where())) {
            bindKey(ps, groupId, tp);
            return ps.executeUpdate();
        }
    }

    /** The stored next offsets of this group for the topic (partitions claimed but never written are absent). */
    Map<TopicPartition, Long> read(Connection connection, String groupId, String topic) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + dialect.quote("partition_id") + ", "
                + dialect.quote("next_offset") + " FROM " + dialect.quoteQualified(table) + " WHERE "
                + dialect.quote("group_id") + " = ? AND " + dialect.quote("topic") + " = ?")) {
            ps.setString(1, groupId);
            ps.setString(2, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(2) != NONE) {
                        offsets.put(new TopicPartition(topic, rs.getInt(1)), rs.getLong(2));
                    }
                }
            }
        }
        return offsets;
    }

    /** Forgets the partitions this member no longer owns (revoked or lost). */
    void release(Collection<TopicPartition> partitions) {
        partitions.forEach(claimed::remove);
    }

    /**
     * Stores the next offsets inside the caller's transaction, each only if this member still holds the epoch it
     * claimed; otherwise throws {@link FencedSinkWriterException} (the caller rolls back).
     */
    void write(Connection connection, String groupId, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        prepare(groupId, nextOffsets).execute(connection);
    }

    /**
     * The write of these next offsets under the epochs claimed now, to execute later, possibly on another thread (the
     * pipelined sink loads a batch while it polls the next); throws {@link FencedSinkWriterException} at once for a
     * partition this member never claimed.
     */
    Write prepare(String groupId, Map<TopicPartition, Long> nextOffsets) throws FencedSinkWriterException {
        Map<TopicPartition, long[]> offsetAndEpoch = new java.util.LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : nextOffsets.entrySet()) {
            Long epoch = claimed.get(e.getKey());
            if (epoch == null) {
                throw new FencedSinkWriterException(groupId, e.getKey(), "it was never claimed by this member");
            }
            offsetAndEpoch.put(e.getKey(), new long[] {e.getValue(), epoch});
        }
        return new Write(groupId, offsetAndEpoch);
    }

    /**
     * An offsets write bound to the epochs claimed when it was prepared: immutable, so it can run on the thread that
     * loads the batch. A stale epoch matches no row and throws {@link FencedSinkWriterException}; the sink then
     * releases its claims ({@link #release}) and waits for the group's next rebalance.
     */
    final class Write {
        private final String groupId;
        private final Map<TopicPartition, long[]> offsetAndEpoch;

        private Write(String groupId, Map<TopicPartition, long[]> offsetAndEpoch) {
            this.groupId = groupId;
            this.offsetAndEpoch = offsetAndEpoch;
        }

        void execute(Connection connection) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE " + dialect.quoteQualified(table) + " SET "
                    + dialect.quote("next_offset") + " = ?" + where() + " AND " + dialect.quote("owner_epoch") + " = ?")) {
                for (Map.Entry<TopicPartition, long[]> e : offsetAndEpoch.entrySet()) {
                    ps.setLong(1, e.getValue()[0]);
                    ps.setString(2, groupId);
                    ps.setString(3, e.getKey().topic());
                    ps.setInt(4, e.getKey().partition());
                    ps.setLong(5, e.getValue()[1]);
                    // one statement each (not a batch): some drivers report no per-row counts for batches
                    if (ps.executeUpdate() != 1) {
                        throw new FencedSinkWriterException(groupId, e.getKey(), "another member claimed it (epoch "
                                + e.getValue()[1] + " is stale)");
                    }
                }
            }
        }
    }

    private String where() {
        return " WHERE " + dialect.quote("group_id") + " = ? AND " + dialect.quote("topic") + " = ? AND "
                + dialect.quote("partition_id") + " = ?";
    }

    private static void bindKey(PreparedStatement ps, String groupId, TopicPartition tp) throws SQLException {
        ps.setString(1, groupId);
        ps.setString(2, tp.topic());
        ps.setInt(3, tp.partition());
    }
}
