package io.busbar.kafka.codec;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The API versions Busbar advertises and accepts, chosen for Java clients 3.9/4.x and librdkafka 2.x (see
 * docs/kafka-listener.md). Not {@code ApiKeys.oldestVersion()..latestVersion()}: that includes unstable versions and
 * message-format v0/v1 versions we do not down-convert.
 *
 * <p>Two advertised minimums are lower than what we accept, copying Kafka's own patches for librdkafka:
 * Produce min 0 (KAFKA-18659: librdkafka's compression check needs Produce 0 to overlap) while v0-2 are refused;
 * JoinGroup min 0 (KAFKA-19444) is really served. Immutable, thread-safe.
 */
public final class ApiVersionTable {

    /** advertised min, accepted min, max. */
    private record Range(short advertisedMin, short acceptedMin, short max) { }

    private static final Map<ApiKeys, Range> ALL = new EnumMap<>(ApiKeys.class);

    static {
        put(ApiKeys.PRODUCE, 0, 3, 11);
        put(ApiKeys.FETCH, 4, 4, 17);
        put(ApiKeys.LIST_OFFSETS, 1, 1, 9);
        put(ApiKeys.METADATA, 0, 0, 12);
        put(ApiKeys.OFFSET_COMMIT, 2, 2, 9);
        put(ApiKeys.OFFSET_FETCH, 1, 1, 9);
        put(ApiKeys.FIND_COORDINATOR, 0, 0, 6);
        put(ApiKeys.JOIN_GROUP, 0, 0, 9);
        put(ApiKeys.HEARTBEAT, 0, 0, 4);
        put(ApiKeys.LEAVE_GROUP, 0, 0, 5);
        put(ApiKeys.SYNC_GROUP, 0, 0, 5);
        put(ApiKeys.DESCRIBE_GROUPS, 0, 0, 5);
        put(ApiKeys.LIST_GROUPS, 0, 0, 5);
        put(ApiKeys.API_VERSIONS, 0, 0, 4);
        put(ApiKeys.CREATE_TOPICS, 2, 2, 7);
        put(ApiKeys.DELETE_TOPICS, 1, 1, 6);
        put(ApiKeys.INIT_PRODUCER_ID, 0, 0, 5);
        put(ApiKeys.DESCRIBE_CONFIGS, 1, 1, 4);
        put(ApiKeys.CREATE_PARTITIONS, 0, 0, 3);
        put(ApiKeys.DELETE_GROUPS, 0, 0, 2);
        put(ApiKeys.DESCRIBE_CLUSTER, 0, 0, 1);
        put(ApiKeys.ALTER_CONFIGS, 0, 0, 2);
        put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 0, 1);
        put(ApiKeys.DELETE_RECORDS, 0, 0, 2);
        put(ApiKeys.OFFSET_DELETE, 0, 0, 0);
        put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 0, 0, 4);
        put(ApiKeys.DESCRIBE_LOG_DIRS, 0, 0, 4);
        put(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0, 0);
        // security (docs/security.md); librdkafka needs SaslHandshake v0 in the range to use SASL at all, but a v0
        // handshake (raw tokens after it) is answered with an error: clients use v1 when it is advertised
        put(ApiKeys.SASL_HANDSHAKE, 0, 0, 1);
        put(ApiKeys.SASL_AUTHENTICATE, 0, 0, 2);
        put(ApiKeys.CREATE_ACLS, 1, 1, 3);
        put(ApiKeys.DESCRIBE_ACLS, 1, 1, 3);
        put(ApiKeys.DELETE_ACLS, 1, 1, 3);
        put(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, 0, 0);
        put(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, 0, 0);
        put(ApiKeys.DESCRIBE_CLIENT_QUOTAS, 0, 0, 1);
        // transactions, in the producer's (transaction protocol v1) forms: AddPartitionsToTxn v4+ is broker-to-broker
        put(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 0, 3);
        put(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 0, 4);
        put(ApiKeys.TXN_OFFSET_COMMIT, 0, 0, 4);
        put(ApiKeys.END_TXN, 0, 0, 4);
        put(ApiKeys.LIST_TRANSACTIONS, 0, 0, 1);
        put(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0, 0);
    }

    private static void put(ApiKeys key, int advertisedMin, int acceptedMin, int max) {
        // never beyond what the kafka-clients classes on the classpath can read and write (stable versions only)
        short cap = key.latestVersion(false);
        ALL.put(key, new Range((short) advertisedMin, (short) acceptedMin, (short) Math.min(max, cap)));
    }

    private final Map<ApiKeys, Range> enabled;

    /** The table restricted to the APIs that have a handler. */
    public ApiVersionTable(Set<ApiKeys> handled) {
        Map<ApiKeys, Range> m = new EnumMap<>(ApiKeys.class);
        ALL.forEach((k, r) -> {
            if (handled.contains(k)) {
                m.put(k, r);
            }
        });
        this.enabled = Collections.unmodifiableMap(m);
    }

    public boolean accepts(ApiKeys key, short version) {
        Range r = enabled.get(key);
        return r != null && version >= r.acceptedMin && version <= r.max;
    }

    public boolean isEnabled(ApiKeys key) {
        return enabled.containsKey(key);
    }

    public short maxVersion(ApiKeys key) {
        Range r = enabled.get(key);
        return r == null ? -1 : r.max;
    }

    /** The ApiVersions body: every enabled API with its advertised range. */
    public ApiVersionsResponseData response() {
        ApiVersionCollection keys = new ApiVersionCollection();
        enabled.forEach((k, r) -> keys.add(new ApiVersion().setApiKey(k.id)
                .setMinVersion(r.advertisedMin).setMaxVersion(r.max)));
        return new ApiVersionsResponseData().setErrorCode(Errors.NONE.code()).setApiKeys(keys);
    }

    /**
     * The reply to an ApiVersions request newer than we know: UNSUPPORTED_VERSION and our ApiVersions range, in v0
     * format; the client retries with our max (Kafka's RequestContext does the same).
     */
    public ApiVersionsResponseData unsupportedVersionResponse() {
        Range r = enabled.get(ApiKeys.API_VERSIONS);
        ApiVersionCollection keys = new ApiVersionCollection();
        keys.add(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion(r.advertisedMin).setMaxVersion(r.max));
        return new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setApiKeys(keys);
    }
}
