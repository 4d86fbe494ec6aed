package io.busbar.routes.validate;

import java.util.List;
import java.util.Locale;

/**
 * One parameter a connector accepts: its name, value type and allowed values. Immutable.
 *
 * @param name       e.g. {@code batchRecords}
 * @param type       {@code string}, {@code integer}, {@code number} or {@code boolean} (a kamelet spec's JSON-schema type)
 * @param enumValues the allowed values, or empty for any value of the type
 */
public record ParameterSpec(String name, String type, List<String> enumValues) {

    public ParameterSpec {
        enumValues = List.copyOf(enumValues);
    }

    /**
     * Null when {@code value} fits, else what is expected ("an integer", "one of csv, lines"). Placeholders
     * ({@code {{...}}}), simple expressions ({@code ${...}}) and bean references ({@code #name}) are resolved later,
     * by Camel, so they always fit here.
     */
    public String mismatch(String value) {
        if (value.contains("{{") || value.contains("${") || value.startsWith("#") || value.startsWith("RAW(")) {
            return null;
        }
        if (!enumValues.isEmpty()) {
            return enumValues.contains(value) ? null : "one of " + String.join(", ", enumValues);
        }
        return switch (type) {
            case "integer" -> isInteger(value) ? null : "an integer";
            case "number" -> isNumber(value) ? null : "a number";
            case "boolean" -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false") ? null : "true or false";
            default -> null;
        };
    }

    private static boolean isInteger(String value) {
        try {
            Long.parseLong(value.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isNumber(String value) {
        try {
            Double.parseDouble(value.trim().toLowerCase(Locale.ROOT));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
