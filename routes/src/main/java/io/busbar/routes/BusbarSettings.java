package io.busbar.routes;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The runtime's settings, resolved once at start from, highest first: {@code --set key=value}, environment
 * variables ({@code BUSBAR_DATA_DIR} for {@code busbar.data.dir}), the properties file ({@code busbar.properties}
 * in the working directory or {@code --config}), then each key's default. Keys under {@code camel.} pass through to
 * camel-main unchecked; a value may be {@code ${env:NAME}} or {@code ${file:/path}} ({@link SecretReferences});
 * any other key must be known (the runtime's or a service's), else start-up fails with an
 * error naming the key and the valid ones. Immutable and thread-safe.
 */
public final class BusbarSettings {

    private final Map<String, ConfigKey> keys;
    private final Map<String, String> values;
    private final Map<String, String> sources;
    private final Map<String, String> camelProperties;

    private BusbarSettings(Map<String, ConfigKey> keys, Map<String, String> values, Map<String, String> sources,
                           Map<String, String> camelProperties) {
        this.keys = keys;
        this.values = values;
        this.sources = sources;
        this.camelProperties = camelProperties;
    }

    /**
     * Resolves and validates settings.
     *
     * @param knownKeys  the runtime's and the services' keys
     * @param file       the properties file's entries (empty when there is none)
     * @param fileName   the file's name, for messages
     * @param env        the environment
     * @param overrides  {@code --set} entries
     * @throws InvalidSettingException naming the first unknown key or invalid value
     */
    public static BusbarSettings resolve(List<ConfigKey> knownKeys, Map<String, String> file, String fileName,
                                         Map<String, String> env, Map<String, String> overrides) {
        Map<String, ConfigKey> keys = new LinkedHashMap<>();
        knownKeys.forEach(k -> keys.put(k.name(), k));
        Map<String, String> values = new TreeMap<>();
        Map<String, String> sources = new TreeMap<>();
        Map<String, String> camel = new TreeMap<>();
        apply(keys, file, fileName, values, sources, camel);
        for (ConfigKey key : keys.values()) {
            String v = env.get(key.envName());
            if (v != null) {
                values.put(key.name(), v.trim());
                sources.put(key.name(), "environment variable " + key.envName());
            }
        }
        apply(keys, overrides, "--set", values, sources, camel);
        values.replaceAll((k, v) -> SecretReferences.expand(k, v, env)); // ${env:NAME}, ${file:/path}
        for (Map.Entry<String, String> e : values.entrySet()) {
            ConfigKey key = keys.get(e.getKey());
            if (!key.accepts(e.getValue())) {
                throw new InvalidSettingException("Setting " + key.name() + " = '"
                        + SecretReferences.printable(key.name(), e.getValue()) + "' (from "
                        + sources.get(key.name()) + ") is invalid: use " + key.expected()
                        + (key.defaultValue() != null ? " (default " + key.defaultValue() + ")" : ""));
            }
        }
        return new BusbarSettings(keys, values, sources, camel);
    }

    private static void apply(Map<String, ConfigKey> keys, Map<String, String> entries, String source,
                              Map<String, String> values, Map<String, String> sources, Map<String, String> camel) {
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String name = e.getKey().trim();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (name.startsWith("camel.") || name.startsWith(RuntimeKeys.APP_PREFIX) || name.startsWith(RuntimeKeys.KAFKA_CLIENT_PREFIX)
                    || name.startsWith(RuntimeKeys.KAFKA_PRODUCER_PREFIX) || name.startsWith(RuntimeKeys.KAFKA_CONSUMER_PREFIX)) {
                camel.put(name, value); // pass-through keys: checked by camel-main or the Kafka clients
            } else if (keys.containsKey(name)) {
                values.put(name, value);
                sources.put(name, source);
            } else {
                throw new InvalidSettingException("Unknown setting '" + name + "' (in " + source + "): use one of "
                        + keys.keySet().stream().sorted().collect(Collectors.joining(", "))
                        + ", a camel.* key for camel-main, or an app.* key of your own for {{app...}} placeholders in"
                        + " pipelines (see docs/runtime.md)");
            }
        }
    }

    /** Reads a properties file (ISO-8859-1 escapes as usual, read as UTF-8). */
    public static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new InvalidSettingException("Cannot read settings file " + file + ": " + e.getMessage()
                    + " (give a readable properties file with --config, or none)");
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** The value in effect (given or default); null when neither. */
    public String get(ConfigKey key) {
        return get(key.name());
    }

    public String get(String name) {
        ConfigKey key = keys.get(name);
        if (key == null) {
            throw new IllegalArgumentException("Unknown setting '" + name + "': a service must declare it in configKeys()");
        }
        return values.getOrDefault(name, key.defaultValue());
    }

    public int getInt(ConfigKey key) {
        return Integer.parseInt(get(key));
    }

    public long getLong(ConfigKey key) {
        return Long.parseLong(get(key));
    }

    public boolean getBoolean(ConfigKey key) {
        return Boolean.parseBoolean(get(key).toLowerCase(Locale.ROOT));
    }

    public Path getPath(ConfigKey key) {
        return Path.of(get(key));
    }

    /** Where a key's value came from: a file name, {@code --set}, an environment variable, or {@code default}. */
    public String sourceOf(String name) {
        return sources.getOrDefault(name, "default");
    }

    /**
     * {@code camel.*} entries (camel-main settings) and {@code app.*} entries (the pipelines' own placeholders) from
     * the file and {@code --set}, for camel-main.
     */
    public Map<String, String> camelProperties() {
        Map<String, String> out = withPrefix("camel.", false);
        out.putAll(withPrefix(RuntimeKeys.APP_PREFIX, false));
        return out;
    }

    /** Pass-through entries under {@code prefix} (e.g. {@code busbar.kafka.client.}), with the prefix removed. */
    public Map<String, String> passThrough(String prefix) {
        return withPrefix(prefix, true);
    }

    private Map<String, String> withPrefix(String prefix, boolean strip) {
        Map<String, String> out = new TreeMap<>();
        camelProperties.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(strip ? k.substring(prefix.length()) : k, v);
            }
        });
        return out;
    }

    /** Every known key, sorted by name. */
    public List<ConfigKey> knownKeys() {
        return keys.values().stream().sorted(Comparator.comparing(ConfigKey::name)).toList();
    }
}
