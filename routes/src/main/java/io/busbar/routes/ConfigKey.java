package io.busbar.routes;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One runtime setting: its name ({@code busbar.} prefix), default, the form a value must have, and what it does.
 * Its environment-variable form is the name upper-cased with dots as underscores
 * ({@code busbar.data.dir} ↔ {@code BUSBAR_DATA_DIR}). Immutable.
 *
 * @param name         the key, e.g. {@code busbar.data.dir}
 * @param defaultValue the value when none is given, or null for none
 * @param expected     the form a value must have, shown in errors and docs, e.g. {@code an integer >= 1}
 * @param description  what the setting does, one sentence
 * @param validator    accepts a (trimmed) value of the expected form
 */
public record ConfigKey(String name, String defaultValue, String expected, String description,
                        Predicate<String> validator) {

    public ConfigKey {
        if (!name.equals(name.toLowerCase(Locale.ROOT)) || name.startsWith("camel.")) {
            throw new IllegalArgumentException("Setting '" + name + "' must be lower case and not under camel.*");
        }
    }

    /** {@code BUSBAR_DATA_DIR} for {@code busbar.data.dir}. */
    public String envName() {
        return envName(name);
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public boolean accepts(String value) {
        return value != null && validator.test(value);
    }

    public static ConfigKey string(String name, String defaultValue, String description) {
        return new ConfigKey(name, defaultValue, "a non-empty text", description, v -> !v.isBlank());
    }

    public static ConfigKey integer(String name, int defaultValue, int min, String description) {
        return new ConfigKey(name, Integer.toString(defaultValue), "an integer >= " + min, description, v -> {
            try {
                return Integer.parseInt(v) >= min;
            } catch (NumberFormatException e) {
                return false;
            }
        });
    }

    public static ConfigKey longValue(String name, long defaultValue, long min, String description) {
        return new ConfigKey(name, Long.toString(defaultValue), "an integer >= " + min, description, v -> {
            try {
                return Long.parseLong(v) >= min;
            } catch (NumberFormatException e) {
                return false;
            }
        });
    }

    public static ConfigKey bool(String name, boolean defaultValue, String description) {
        return new ConfigKey(name, Boolean.toString(defaultValue), "true or false", description,
                v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"));
    }

    public static ConfigKey oneOf(String name, String defaultValue, List<String> values, String description) {
        return new ConfigKey(name, defaultValue, "one of " + String.join(", ", values), description,
                v -> values.contains(v.toLowerCase(Locale.ROOT)));
    }
}
