package io.busbar.connectors.file;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the files the sink writes, from a pattern with the tokens {@code {topic}}, {@code {partition}},
 * {@code {start}} and {@code {end}} (first and last offset, zero-padded to 20 digits so names sort by offset)
 * and {@code {ext}}. The name must contain {@code {partition}} and {@code {start}}: a replay after a crash then
 * produces the same name for the same first record, which is what makes the sink effectively-once. The pattern
 * also reads names back ({@link #startOffset}) to find files a replay supersedes. Immutable; thread-safe.
 */
final class FileNamePattern {

    static final String DEFAULT = "{topic}-{partition}-{start}.{ext}";

    private final String pattern;
    private final String extension;
    private final Pattern parser;

    FileNamePattern(String pattern, String extension) {
        if (pattern == null || !pattern.contains("{partition}") || !pattern.contains("{start}")) {
            throw new IllegalArgumentException("fileName = '" + pattern + "' is invalid: it must contain {partition}"
                    + " and {start} (e.g. " + DEFAULT + ") so that a replay after a crash rewrites the same files");
        }
        if (pattern.contains("/") || pattern.contains("\\")) {
            throw new IllegalArgumentException("fileName = '" + pattern + "' is invalid: use a name without folders;"
                    + " set the folder with directory");
        }
        this.pattern = pattern;
        this.extension = extension;
        StringBuilder regex = new StringBuilder();
        Matcher tokens = Pattern.compile("\\{(topic|partition|start|end|ext)}").matcher(pattern);
        int last = 0;
        while (tokens.find()) {
            regex.append(Pattern.quote(pattern.substring(last, tokens.start())));
            regex.append(switch (tokens.group(1)) {
                case "topic" -> "(?<topic>.+?)";
                case "partition" -> "(?<partition>\\d+)";
                case "start" -> "(?<start>\\d{20})";
                case "end" -> "\\d{20}";
                default -> Pattern.quote(extension);
            });
            last = tokens.end();
        }
        regex.append(Pattern.quote(pattern.substring(last)));
        this.parser = Pattern.compile(regex.toString());
    }

    String name(String topic, int partition, long start, long end) {
        return pattern.replace("{topic}", topic).replace("{partition}", Integer.toString(partition))
                .replace("{start}", pad(start)).replace("{end}", pad(end)).replace("{ext}", extension);
    }

    /** The first offset of a file this pattern named for this topic and partition, or empty. */
    OptionalLong startOffset(String fileName, String topic, int partition) {
        Matcher m = parser.matcher(fileName);
        if (!m.matches() || Integer.parseInt(m.group("partition")) != partition) {
            return OptionalLong.empty();
        }
        if (pattern.contains("{topic}") && !m.group("topic").equals(topic)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(m.group("start")));
    }

    private static String pad(long offset) {
        return String.format("%020d", offset);
    }
}
