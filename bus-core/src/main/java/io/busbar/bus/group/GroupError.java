package io.busbar.bus.group;

/**
 * The outcome of a group operation, with Kafka's error code so the Kafka wire listener can answer with it
 * ({@code org.apache.kafka.common.protocol.Errors.forCode(error.code())}). Only the errors the classic group protocol
 * produces are listed.
 */
public enum GroupError {
    NONE(0),
    UNKNOWN_SERVER_ERROR(-1),
    OFFSET_METADATA_TOO_LARGE(12),
    COORDINATOR_LOAD_IN_PROGRESS(14),
    COORDINATOR_NOT_AVAILABLE(15),
    ILLEGAL_GENERATION(22),
    INCONSISTENT_GROUP_PROTOCOL(23),
    INVALID_GROUP_ID(24),
    UNKNOWN_MEMBER_ID(25),
    INVALID_SESSION_TIMEOUT(26),
    REBALANCE_IN_PROGRESS(27),
    KAFKA_STORAGE_ERROR(56),
    NON_EMPTY_GROUP(68),
    GROUP_ID_NOT_FOUND(69),
    MEMBER_ID_REQUIRED(79),
    GROUP_MAX_SIZE_REACHED(81),
    FENCED_INSTANCE_ID(82),
    GROUP_SUBSCRIBED_TO_TOPIC(86);

    private final short code;

    GroupError(int code) {
        this.code = (short) code;
    }

    /** Kafka's error code. */
    public short code() {
        return code;
    }
}
