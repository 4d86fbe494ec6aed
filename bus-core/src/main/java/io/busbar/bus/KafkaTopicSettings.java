package io.busbar.bus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The topic settings Apache Kafka 4.1 accepts (its broker's {@code LogConfig}) beyond the nine {@link TopicConfig}
 * acts on directly, with Kafka's defaults and value rules. Busbar accepts them so Kafka tools and Kafka Streams can
 * create and configure topics unchanged; most are stored and reported only, since they concern replication,
 * tiered storage, compression levels or flushing that one durable node handles its own way. Two are acted on:
 * {@code message.timestamp.type} (LogAppendTime stamps the broker's time) and {@code min.insync.replicas}
 * (values above 1 are refused: one node can never have two in-sync replicas).
 */
public final class KafkaTopicSettings {

    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";

    /** A setting Kafka has: its default as Kafka reports it, and what a valid value looks like. */
    private record Setting(String defaultValue, String expected, Predicate<String> valid) {
    }

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    static {
        integer("compression.gzip.level", -1, 1, 9, "-1 or 1..9");
        integer("compression.lz4.level", 9, 1, 17, "1..17");
        oneOf("compression.type", "producer", "uncompressed", "zstd", "lz4", "snappy", "gzip", "producer");
        integer("compression.zstd.level", 3, -131072, 22, "-131072..22");
        longAtLeast("file.delete.delay.ms", 60000, 0);
        longAtLeast("flush.messages", Long.MAX_VALUE, 1);
        longAtLeast("flush.ms", Long.MAX_VALUE, 0);
        list("follower.replication.throttled.replicas");
        SETTINGS.put("internal.segment.bytes", new Setting(null, "a number of bytes >= 14", v -> parses(v, 14, Integer.MAX_VALUE)));
        list("leader.replication.throttled.replicas");
        longAtLeast("local.retention.bytes", -2, -2);
        longAtLeast("local.retention.ms", -2, -2);
        longAtLeast("max.compaction.lag.ms", Long.MAX_VALUE, 1);
        longAtLeast("message.timestamp.after.max.ms", 3600000, 0);
        longAtLeast("message.timestamp.before.max.ms", Long.MAX_VALUE, 0);
        oneOf(MESSAGE_TIMESTAMP_TYPE, "CreateTime", "CreateTime", "LogAppendTime");
        SETTINGS.put("min.cleanable.dirty.ratio", new Setting("0.5", "a number from 0 to 1", v -> {
            try {
                double d = Double.parseDouble(v);
                return d >= 0 && d <= 1;
            } catch (NumberFormatException e) {
                return false;
            }
        }));
        integer(MIN_INSYNC_REPLICAS, 1, 1, 1, "1 (Busbar is one node: more in-sync replicas than one can never be met)");
        bool("preallocate");
        bool("remote.log.copy.disable");
        bool("remote.log.delete.on.disable");
        SETTINGS.put(REMOTE_STORAGE_ENABLE, new Setting("false",
                "false (Busbar has no tiered storage; Kafka also refuses this when its broker has none)", "false"::equalsIgnoreCase));
        integer("segment.index.bytes", 10485760, 4, Integer.MAX_VALUE, "a number of bytes >= 4");
        longAtLeast("segment.jitter.ms", 0, 0);
        bool("unclean.leader.election.enable");
    }

    private KafkaTopicSettings() {
    }

    /** The names of the settings Kafka has that {@link TopicConfig} does not act on itself. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(SETTINGS.keySet());
    }

    public static boolean known(String name) {
        return SETTINGS.containsKey(name);
    }

    /**
     * Kafka's default for a setting, as Kafka reports it from DescribeConfigs; null for a setting Kafka keeps
     * internal and lists only when set ({@code internal.segment.bytes}).
     */
    public static String defaultValue(String name) {
        return SETTINGS.get(name).defaultValue();
    }

    /** The value, trimmed, when Kafka would accept it; otherwise {@link InvalidConfigException} naming the setting. */
    static String validate(String name, String value) {
        Setting setting = SETTINGS.get(name);
        String v = value == null ? "" : value.trim();
        if (!setting.valid().test(v)) {
            throw new InvalidConfigException("Topic setting '" + name + "' = '" + value + "' is invalid: use " + setting.expected());
        }
        return v;
    }

    /** Every name Busbar accepts for a topic, sorted, for error messages. */
    static Set<String> allNames() {
        Set<String> all = new TreeSet<>(TopicConfig.NAMES);
        all.addAll(SETTINGS.keySet());
        return all;
    }

    private static void integer(String name, int def, int min, int max, String expected) {
        SETTINGS.put(name, new Setting(Integer.toString(def), expected, v -> parses(v, min, max)));
    }

    private static void longAtLeast(String name, long def, long min) {
        SETTINGS.put(name, new Setting(Long.toString(def), "an integer >= " + min, v -> parses(v, min, Long.MAX_VALUE)));
    }

    private static void oneOf(String name, String def, String... values) {
        Set<String> allowed = Set.of(values);
        SETTINGS.put(name, new Setting(def, "one of " + new TreeSet<>(allowed), allowed::contains));
    }

    private static void bool(String name) {
        SETTINGS.put(name, new Setting("false", "true or false",
                v -> "true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v)));
    }

    /** Kafka's replica lists: empty, {@code *}, or {@code partition:broker} pairs separated by commas. */
    private static void list(String name) {
        SETTINGS.put(name, new Setting("", "'', '*' or partition:broker pairs separated by commas",
                v -> v.isEmpty() || v.equals("*") || v.matches("\\d+:\\d+(\\s*,\\s*\\d+:\\d+)*")));
    }

    private static boolean parses(String v, long min, long max) {
        try {
            long n = Long.parseLong(v);
            return n >= min && n <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
