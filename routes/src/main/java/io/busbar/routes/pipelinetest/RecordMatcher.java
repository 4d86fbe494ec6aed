package io.busbar.routes.pipelinetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One expected record of a test file: any of {@code key} (text), {@code value} (JSON equality, or text equality when
 * the record is not JSON), {@code jsonPath} (path → expected value), {@code headers} (name → text). Explains a miss
 * against the closest record, field by field.
 */
final class RecordMatcher {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode spec;

    RecordMatcher(JsonNode spec) {
        this.spec = spec;
    }

    /** Why {@code record} does not match, one line per difference; empty when it matches. */
    List<String> differences(ConsumedRecord record) {
        List<String> diffs = new ArrayList<>();
        if (spec.has("key") && !spec.get("key").asText().equals(record.keyAsString())) {
            diffs.add("key: expected \"" + spec.get("key").asText() + "\", found " + quote(record.keyAsString()));
        }
        String text = record.valueAsString();
        JsonNode actual = parse(text);
        if (spec.has("value")) {
            JsonNode expected = spec.get("value");
            if (actual == null || expected.isTextual() && !actual.isTextual()) {
                String want = expected.isTextual() ? expected.asText() : expected.toString();
                if (!want.equals(text)) {
                    diffs.add("value: expected " + want + ", found " + text);
                }
            } else {
                jsonDiff("$", expected, actual, diffs);
            }
        }
        if (spec.has("jsonPath")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("jsonPath").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode found = readPath(text, e.getKey());
                if (found == null) {
                    diffs.add(e.getKey() + ": not in " + text);
                } else if (!sameValue(e.getValue(), found)) {
                    diffs.add(e.getKey() + ": expected " + e.getValue() + ", found " + found);
                }
            }
        }
        if (spec.has("headers")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("headers").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String found = header(record, e.getKey());
                if (!e.getValue().asText().equals(found)) {
                    diffs.add("header " + e.getKey() + ": expected \"" + e.getValue().asText() + "\", found " + quote(found));
                }
            }
        }
        return diffs;
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    static String header(ConsumedRecord record, String name) {
        String found = null;
        for (Header h : record.headers()) {
            if (h.key().equalsIgnoreCase(name)) {
                found = h.valueAsString();
            }
        }
        return found;
    }

    private static JsonNode readPath(String text, String path) {
        try {
            Object value = JsonPath.read(text, path);
            return JSON.valueToTree(value);
        } catch (PathNotFoundException | IllegalArgumentException | com.jayway.jsonpath.InvalidJsonException e) {
            return null;
        }
    }

    private static void jsonDiff(String path, JsonNode expected, JsonNode actual, List<String> diffs) {
        if (expected.isObject() && actual.isObject()) {
            expected.fieldNames().forEachRemaining(f -> {
                if (!actual.has(f)) {
                    diffs.add(path + "." + f + ": missing (expected " + expected.get(f) + ")");
                } else {
                    jsonDiff(path + "." + f, expected.get(f), actual.get(f), diffs);
                }
            });
            actual.fieldNames().forEachRemaining(f -> {
                if (!expected.has(f)) {
                    diffs.add(path + "." + f + ": not expected (found " + actual.get(f) + ")");
                }
            });
        } else if (!sameValue(expected, actual)) {
            diffs.add(path + ": expected " + expected + ", found " + actual);
        }
    }

    /** JSON equality, with numbers compared by value (10 equals 10.0). */
    private static boolean sameValue(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    private static JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
