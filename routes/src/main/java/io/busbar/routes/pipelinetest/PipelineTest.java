package io.busbar.routes.pipelinetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.busbar.routes.InvalidSettingException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pipeline test file ({@code *.test.yaml}, read by {@code busbar test}): which pipelines, which settings, what goes
 * in ({@code given}) and what must come out ({@code expect}). {@code ${tmp}} in the file is the test's own temporary
 * directory, {@code ${testDir}} the directory holding the file. The reference is docs/testing.md. Immutable.
 *
 * @param file      the test file
 * @param name      what the test is called in reports (default: the file name)
 * @param pipelines pipeline files or directories (default: the test file's directory)
 * @param config    a settings file (default: busbar.properties beside the test file, when present)
 * @param settings  settings that override the file's (e.g. a folder under ${tmp})
 * @param timeout   how long the expectations may take to come true (default 10 s)
 * @param given     what the test puts in, as written
 * @param expect    what must come out, as written
 * @param tmp       the temporary directory: the bus's data directory lives under it
 */
public record PipelineTest(Path file, String name, List<Path> pipelines, Path config, Map<String, String> settings,
                           Duration timeout, JsonNode given, JsonNode expect, Path tmp) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Reads {@code file}, with its own new temporary directory. */
    public static PipelineTest read(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempDirectory("busbar-test-");
        String text = freePorts(Files.readString(file).replace("${tmp}", tmp.toString()).replace("${testDir}", dir.toString()));
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new InvalidSettingException("Test file " + file + " is not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSettingException("Test file " + file + " must be a YAML map with given: and expect:");
        }
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(f -> {
            if (!List.of("name", "pipelines", "config", "settings", "timeout", "given", "expect").contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new InvalidSettingException("Test file " + file + " has unknown key(s) " + unknown
                    + ": use name, pipelines, config, settings, timeout, given, expect (docs/testing.md)");
        }
        if (!root.has("expect")) {
            throw new InvalidSettingException("Test file " + file + " expects nothing: add an expect: section");
        }
        List<Path> pipelines = new ArrayList<>();
        root.path("pipelines").forEach(p -> pipelines.add(dir.resolve(p.asText())));
        if (pipelines.isEmpty()) {
            pipelines.add(dir);
        }
        Path config = root.has("config") ? dir.resolve(root.get("config").asText())
                : Files.exists(dir.resolve("busbar.properties")) ? dir.resolve("busbar.properties") : null;
        Map<String, String> settings = new LinkedHashMap<>();
        root.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        Duration timeout = root.has("timeout") ? parseDuration(file, root.get("timeout").asText()) : Duration.ofSeconds(10);
        String name = root.path("name").asText(file.getFileName().toString());
        return new PipelineTest(file, name, List.copyOf(pipelines), config, settings, timeout, root.path("given"),
                root.get("expect"), tmp);
    }

    /** Replaces each {@code ${port:NAME}} with a free loopback port, the same one for the same NAME. */
    private static String freePorts(String text) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{port:([A-Za-z0-9_.-]+)}").matcher(text);
        Map<String, Integer> ports = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Integer port = ports.get(m.group(1));
            if (port == null) {
                try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    port = socket.getLocalPort();
                }
                ports.put(m.group(1), port);
            }
            m.appendReplacement(out, Integer.toString(port));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Duration parseDuration(Path file, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new InvalidSettingException("Test file " + file + ": timeout '" + text + "' is not a duration: use e.g. 10s or 500ms");
        }
    }
}
