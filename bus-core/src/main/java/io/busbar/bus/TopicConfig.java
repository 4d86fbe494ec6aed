package io.busbar.bus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every topic-level setting, under Kafka's names so Kafka users recognise them. Immutable.
 * Unknown keys and invalid values are rejected with {@link InvalidConfigException} naming the key and the fix.
 *
 * @param segmentBytes       {@code segment.bytes}: roll a new segment when the active one reaches this size
 * @param segmentMs          {@code segment.ms}: roll a new segment when the active one is older than this
 * @param retentionMs        {@code retention.ms}: delete whole segments whose newest record is older (-1: keep forever)
 * @param retentionBytes     {@code retention.bytes}: delete oldest segments while the partition is larger (-1: no limit)
 * @param maxMessageBytes    {@code max.message.bytes}: largest record batch accepted
 * @param cleanupPolicy      {@code cleanup.policy}: {@code delete} or {@code compact} (or {@code compact,delete})
 * @param deleteRetentionMs  {@code delete.retention.ms}: how long the cleaner keeps tombstones
 * @param minCompactionLagMs {@code min.compaction.lag.ms}: records younger than this are not compacted
 * @param indexIntervalBytes {@code index.interval.bytes}: bytes of log between two sparse index entries
 * @param kafkaSettings      the other settings Kafka 4.1 has ({@link KafkaTopicSettings}) set on this topic: stored
 *                           and reported; {@code message.timestamp.type} is acted on ({@link #logAppendTime()})
 */
public record TopicConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes,
                          int maxMessageBytes, String cleanupPolicy, long deleteRetentionMs,
                          long minCompactionLagMs, int indexIntervalBytes, Map<String, String> kafkaSettings) {

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";

    public static final Set<String> NAMES = Set.of(SEGMENT_BYTES, SEGMENT_MS, RETENTION_MS, RETENTION_BYTES,
            MAX_MESSAGE_BYTES, CLEANUP_POLICY, DELETE_RETENTION_MS, MIN_COMPACTION_LAG_MS, INDEX_INTERVAL_BYTES);

    /** Kafka's defaults, except retention: 7 days like Kafka. */
    public static final TopicConfig DEFAULT = new TopicConfig(1 << 30, 7L * 24 * 3600 * 1000,
            7L * 24 * 3600 * 1000, -1, 1024 * 1024 + 12, "delete", 24L * 3600 * 1000, 0, 4096);

    public TopicConfig {
        require(segmentBytes >= 1024, SEGMENT_BYTES, segmentBytes, "at least 1024");
        require(segmentMs > 0, SEGMENT_MS, segmentMs, "a positive number of milliseconds");
        require(retentionMs >= -1, RETENTION_MS, retentionMs, "-1 (forever) or a number of milliseconds");
        require(retentionBytes >= -1, RETENTION_BYTES, retentionBytes, "-1 (no limit) or a number of bytes");
        require(maxMessageBytes > 0, MAX_MESSAGE_BYTES, maxMessageBytes, "a positive number of bytes");
        require(cleanupPolicy != null && Set.of("delete", "compact", "compact,delete", "delete,compact").contains(cleanupPolicy),
                CLEANUP_POLICY, cleanupPolicy, "'delete', 'compact' or 'compact,delete'");
        require(deleteRetentionMs >= 0, DELETE_RETENTION_MS, deleteRetentionMs, "a number of milliseconds >= 0");
        require(minCompactionLagMs >= 0, MIN_COMPACTION_LAG_MS, minCompactionLagMs, "a number of milliseconds >= 0");
        require(indexIntervalBytes > 0, INDEX_INTERVAL_BYTES, indexIntervalBytes, "a positive number of bytes");
        Map<String, String> others = new TreeMap<>();
        kafkaSettings.forEach((k, v) -> {
            if (!KafkaTopicSettings.known(k)) {
                throw unknown(k);
            }
            others.put(k, KafkaTopicSettings.validate(k, v));
        });
        kafkaSettings = Collections.unmodifiableMap(others);
    }

    /** The nine settings Busbar acts on, none of Kafka's others set. */
    public TopicConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes, int maxMessageBytes,
                       String cleanupPolicy, long deleteRetentionMs, long minCompactionLagMs, int indexIntervalBytes) {
        this(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes, cleanupPolicy, deleteRetentionMs,
                minCompactionLagMs, indexIntervalBytes, Map.of());
    }

    /** Whether a setting name is one Kafka 4.1 accepts for a topic (and so Busbar too). */
    public static boolean isTopicSetting(String name) {
        return NAMES.contains(name) || KafkaTopicSettings.known(name);
    }

    /** {@code message.timestamp.type=LogAppendTime}: the broker stamps its own time on each batch it appends. */
    public boolean logAppendTime() {
        return "LogAppendTime".equals(kafkaSettings.get(KafkaTopicSettings.MESSAGE_TIMESTAMP_TYPE));
    }

    private static InvalidConfigException unknown(String name) {
        return new InvalidConfigException("Unknown topic setting '" + name
                + "': Apache Kafka 4.1 has no such topic setting; use one of " + KafkaTopicSettings.allNames());
    }

    public boolean compacted() {
        return cleanupPolicy.contains("compact");
    }

    /** Whether old segments are deleted by age/size ({@code delete} is in the policy). */
    public boolean deletesOldSegments() {
        return cleanupPolicy.contains("delete");
    }

    /**
     * These settings overridden by {@code overrides} (Kafka names); an unknown key or a bad value is an error. A null
     * value puts one of Kafka's other settings back to its default.
     */
    public TopicConfig with(Map<String, String> overrides) {
        Map<String, String> all = toMap();
        Map<String, String> others = new TreeMap<>(kafkaSettings);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (NAMES.contains(e.getKey())) {
                all.put(e.getKey(), e.getValue().trim());
            } else if (KafkaTopicSettings.known(e.getKey())) {
                if (e.getValue() == null) {
                    others.remove(e.getKey()); // back to Kafka's default
                } else {
                    others.put(e.getKey(), e.getValue());
                }
            } else {
                throw unknown(e.getKey());
            }
        }
        return new TopicConfig(
                parseInt(all, SEGMENT_BYTES), parseLong(all, SEGMENT_MS), parseLong(all, RETENTION_MS),
                parseLong(all, RETENTION_BYTES), parseInt(all, MAX_MESSAGE_BYTES), all.get(CLEANUP_POLICY),
                parseLong(all, DELETE_RETENTION_MS), parseLong(all, MIN_COMPACTION_LAG_MS), parseInt(all, INDEX_INTERVAL_BYTES),
                others);
    }

    /** Every setting under its Kafka name, in a stable order: the nine, then Kafka's others set on this topic. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CLEANUP_POLICY, cleanupPolicy);
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(RETENTION_BYTES, Long.toString(retentionBytes));
        m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
        m.put(SEGMENT_MS, Long.toString(segmentMs));
        m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        m.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
        m.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
        m.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
        m.putAll(kafkaSettings);
        return m;
    }

    private static int parseInt(Map<String, String> m, String key) {
        long v = parseLong(m, key);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new InvalidConfigException("Topic setting '" + key + "' = " + v + " is out of range: use at most " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    private static long parseLong(Map<String, String> m, String key) {
        String v = m.get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("Topic setting '" + key + "' = '" + v + "' is not a number: use an integer");
        }
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new InvalidConfigException("Topic setting '" + key + "' = " + value + " is invalid: use " + expected);
        }
    }
}
