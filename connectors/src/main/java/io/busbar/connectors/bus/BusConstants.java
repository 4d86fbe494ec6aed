package io.busbar.connectors.bus;

import org.apache.camel.spi.Metadata;

/**
 * Names of the exchange headers the {@code bus:} component reads and sets, and of the record headers it adds to a
 * dead-letter record. Every name starts with {@code bus.}: the producer never copies such a header into a record,
 * so a header of one hop cannot leak into the next.
 */
public final class BusConstants {

    @Metadata(label = "consumer,producer", description = "The record key, decoded as UTF-8. The consumer sets it;"
            + " the producer uses it as the key when the endpoint has no `key` option.", javaType = "String")
    public static final String KEY = "bus.KEY";

    @Metadata(label = "consumer,producer", description = "The topic the record was read from or written to.",
            javaType = "String")
    public static final String TOPIC = "bus.TOPIC";

    @Metadata(label = "consumer,producer", description = "The partition the record was read from or written to.",
            javaType = "Integer")
    public static final String PARTITION = "bus.PARTITION";

    @Metadata(label = "consumer,producer", description = "The record's offset in its partition (producer: set once"
            + " the record is durable).", javaType = "Long")
    public static final String OFFSET = "bus.OFFSET";

    @Metadata(label = "consumer,producer", description = "The record's timestamp, epoch milliseconds.",
            javaType = "Long")
    public static final String TIMESTAMP = "bus.TIMESTAMP";

    @Metadata(label = "producer", description = "Send to this topic instead of the endpoint's (removed once used).",
            javaType = "String")
    public static final String OVERRIDE_TOPIC = "bus.OVERRIDE_TOPIC";

    /** Prefix of every header of this component. */
    public static final String PREFIX = "bus.";

    // Record headers added to a dead-letter record, next to the original record's own headers.

    @Metadata(label = "consumer", description = "Dead-letter record: class name of the exception of the last attempt.",
            javaType = "String")
    public static final String DLQ_EXCEPTION_CLASS = "bus.dlq.exception.class";

    @Metadata(label = "consumer", description = "Dead-letter record: message of the exception of the last attempt.",
            javaType = "String")
    public static final String DLQ_EXCEPTION_MESSAGE = "bus.dlq.exception.message";

    @Metadata(label = "consumer", description = "Dead-letter record: the topic the record was read from.",
            javaType = "String")
    public static final String DLQ_ORIGINAL_TOPIC = "bus.dlq.original.topic";

    @Metadata(label = "consumer", description = "Dead-letter record: the partition the record was read from.",
            javaType = "String")
    public static final String DLQ_ORIGINAL_PARTITION = "bus.dlq.original.partition";

    @Metadata(label = "consumer", description = "Dead-letter record: the original offset.", javaType = "String")
    public static final String DLQ_ORIGINAL_OFFSET = "bus.dlq.original.offset";

    @Metadata(label = "consumer", description = "Dead-letter record: how many times the record was processed"
            + " (deliveries by the consumer plus redeliveries by the route's error handler).", javaType = "String")
    public static final String DLQ_ATTEMPTS = "bus.dlq.attempts";

    @Metadata(label = "consumer", description = "Dead-letter record: the consumer group that gave up on it.",
            javaType = "String")
    public static final String DLQ_GROUP_ID = "bus.dlq.group.id";

    @Metadata(label = "consumer", description = "Dead letter of a source (file, table, HTTP): where the record came"
            + " from, e.g. 'file orders.csv record 12'. Such records never reached the topic, so they have no"
            + " original partition or offset and are not replayed (fix the source and ingest again).",
            javaType = "String")
    public static final String DLQ_SOURCE = "bus.dlq.source";

    @Metadata(label = "consumer", description = "A replayed dead letter meant for this consumer group only (set by"
            + " busbar dlq replay from bus.dlq.group.id): every bus: consumer of another group skips it, committing"
            + " past it, so only the pipeline that failed sees the record again.", javaType = "String")
    public static final String REPLAY_GROUP_ID = "bus.replay.group.id";

    /** Dead letters of a sink: why the target refused the record, in words (e.g. the column and the value). */
    @Metadata(description = "Why a sink's target refused the record (data error, e.g. the column and value)", javaType = "String")
    public static final String DLQ_REASON = "bus.dlq.reason";

    /** Dead letters of a JDBC sink: the database's SQLState (e.g. 23505 unique violation, 22003 out of range). */
    @Metadata(description = "The database's SQLState for a JDBC sink's dead letter", javaType = "String")
    public static final String DLQ_SQL_STATE = "bus.dlq.sql.state";

    /** Dead letters of a JDBC sink: the database's vendor error code. */
    @Metadata(description = "The database's vendor error code for a JDBC sink's dead letter", javaType = "String")
    public static final String DLQ_ERROR_CODE = "bus.dlq.error.code";

    /** Dead letters of an HTTP sink: the status the target answered (e.g. 400). */
    @Metadata(description = "The HTTP status an HTTP sink's target answered for a dead-lettered record", javaType = "String")
    public static final String DLQ_HTTP_STATUS = "bus.dlq.http.status";

    private BusConstants() {
    }
}
