package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.bus.BusProducer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.RecordMetadata;
import io.busbar.connectors.position.PositionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * One JDBC source instance: reads new rows in batches, publishes them as JSON records and, once every record of a
 * batch is durable in the topic, stores the position of its last row in the {@link PositionStore}. The order
 * "rows durable, then position" means a crash can re-publish at most the rows published since the last stored
 * position (at most about a second of catching up; at-least-once); without a crash each row is published exactly once.
 *
 * <p>Not thread-safe: one thread calls {@link #poll()} at a time (the kamelet's scheduler thread).
 */
public final class JdbcSourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSourceTask.class);
    private static final long SEND_TIMEOUT_MS = 120_000;
    /**
     * While catching up, the position is stored at most this often (and always when a poll ends), so storing it
     * does not cost an fsync per batch. A crash re-publishes at most the rows of this interval.
     */
    private static final long POSITION_SAVE_INTERVAL_MS = 1000;

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final JdbcSourceConfig config;
    private final BusProducer producer;
    private final PositionStore positions;
    private final LongSupplier clock;
    private SourceQuery query;
    /** The stored position (in the PositionStore). */
    private SourcePosition position;
    /** The position of the last row durable in the topic: the next batch reads after it; stored at most every second. */
    private SourcePosition durable;
    private long lastSaveAt;

    public JdbcSourceTask(DataSource dataSource, JdbcDialect dialect, JdbcSourceConfig config, BusProducer producer,
                          PositionStore positions) {
        this(dataSource, dialect, config, producer, positions, System::currentTimeMillis);
    }

    /** With a clock for "now" in timestamp+incrementing mode (tests move it to show the delay at work). */
    JdbcSourceTask(DataSource dataSource, JdbcDialect dialect, JdbcSourceConfig config, BusProducer producer,
                   PositionStore positions, LongSupplier clock) {
        this.clock = clock;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.config = config.validate();
        this.producer = producer;
        this.positions = positions;
    }

    /**
     * Publishes every row available now, batch by batch, and returns how many were published. Throws
     * {@link SQLException} when the database cannot be read; the position is then where the last durable batch
     * left it, so the next call resumes there.
     */
    public int poll() throws SQLException {
        if (position == null) {
            position = positions.load(config.connectorId()).map(SourcePosition::fromJson).orElse(SourcePosition.START);
            durable = position;
            LOG.info("JDBC source '{}' starts at position {}", config.connectorId(), position.toJson());
        }
        int total = 0;
        try {
            while (true) {
                int published = publishBatch();
                total += published;
                if (config.mode() == SourceMode.BULK || published < config.batchSize()) {
                    savePosition();
                    return total;
                }
                if (clock.getAsLong() - lastSaveAt >= POSITION_SAVE_INTERVAL_MS) {
                    savePosition();
                }
            }
        } catch (SQLException | RuntimeException e) {
            try {
                savePosition(); // what became durable before the failure stays published
            } catch (RuntimeException saveFailure) {
                e.addSuppressed(saveFailure);
            }
            throw e;
        }
    }

    /** Stores the durable position if it moved; the rows up to it are already durable in the topic. */
    private void savePosition() {
        if (durable != null && !durable.equals(position)) {
            positions.save(config.connectorId(), durable.toJson());
            position = durable;
            lastSaveAt = clock.getAsLong();
        }
    }

    /** Reads one batch (bulk: the whole table, in durable chunks), publishes it, then stores the position. */
    private int publishBatch() throws SQLException {
        long now = clock.getAsLong();
        try (Connection connection = dataSource.getConnection()) {
            if (query == null) {
                query = SourceQuery.resolve(connection, dialect, config);
                LOG.info("JDBC source '{}' reads {} into topic {} (key: {})", config.connectorId(), query,
                        config.topic(), query.keyColumns().isEmpty() ? "none" : query.keyColumns());
            }
            int count = 0;
            SourcePosition last = durable;
            List<CompletableFuture<RecordMetadata>> pending = new ArrayList<>();
            try (PreparedStatement ps = query.prepare(connection, durable, now); ResultSet rs = ps.executeQuery()) {
                RowJsonMapper mapper = new RowJsonMapper(rs.getMetaData());
                while (rs.next()) {
                    ObjectNode row = mapper.toJson(rs);
                    pending.add(producer.send(config.topic(), BusRecord.of(key(row), utf8(row.toString()))));
                    last = advance(rs, last);
                    count++;
                    if (pending.size() >= config.batchSize()) {
                        awaitDurable(pending); // bulk reads stream through; keeps memory bounded
                    }
                }
            } finally {
                endReadTransaction(connection);
            }
            awaitDurable(pending);
            if (count > 0 && config.mode() != SourceMode.BULK) {
                durable = last;
            }
            return count;
        }
    }

    private SourcePosition advance(ResultSet rs, SourcePosition last) throws SQLException {
        return switch (config.mode()) {
            case BULK -> last;
            case INCREMENTING -> new SourcePosition(incrementing(rs), null);
            case TIMESTAMP_INCREMENTING -> {
                Timestamp ts = rs.getTimestamp(query.timestampLabel());
                yield new SourcePosition(incrementing(rs), ts);
            }
        };
    }

    private long incrementing(ResultSet rs) throws SQLException {
        long v = rs.getLong(query.incrementingLabel());
        if (rs.wasNull()) {
            throw new JdbcConfigException("JDBC source '" + config.connectorId() + "': incrementingColumn '"
                    + config.incrementingColumn() + "' is NULL in a row: make the column NOT NULL");
        }
        return v;
    }

    private byte[] key(ObjectNode row) {
        List<String> keys = query.keyColumns();
        if (keys.isEmpty()) {
            return null;
        }
        if (keys.size() == 1) {
            JsonNode v = row.get(keys.get(0));
            return v == null || v.isNull() ? null : utf8(v.isTextual() ? v.textValue() : v.toString());
        }
        ObjectNode composite = RecordJson.NODES.objectNode();
        keys.forEach(k -> composite.set(k, row.get(k)));
        return utf8(composite.toString());
    }

    private void awaitDurable(List<CompletableFuture<RecordMetadata>> pending) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            pending.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourcePublishException("JDBC source '" + config.connectorId() + "' was interrupted while"
                    + " publishing to " + config.topic() + "; it resumes from its last stored position", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SourcePublishException("JDBC source '" + config.connectorId() + "' could not publish to topic "
                    + config.topic() + ": " + cause + ". It retries from its last stored position", cause);
        }
    }

    private static void endReadTransaction(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // read only: ends the snapshot and releases PostgreSQL's cursor
            }
        } catch (SQLException e) {
            LOG.debug("Ending a read transaction failed; the pool discards the connection", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The source's latest durable position (after a poll), for tests and monitoring. */
    public String positionJson() {
        return position == null ? null : position.toJson();
    }
}
