package io.busbar.routes.pipelinetest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The outcome of one test file: passed when nothing failed. Immutable. */
public record PipelineTestResult(Path file, String name, List<String> failures, Duration duration) {

    public boolean passed() {
        return failures.isEmpty();
    }

    /** Writes {@code TEST-<file>.xml} in surefire's report format into {@code dir}, for CI servers. */
    public void writeJUnitXml(Path dir) throws IOException {
        Files.createDirectories(dir);
        String suite = file.getFileName().toString().replace(".test.yaml", "");
        String seconds = String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<testsuite name=\"").append(escape(suite)).append("\" tests=\"1\" failures=\"")
                .append(passed() ? 0 : 1).append("\" errors=\"0\" skipped=\"0\" time=\"").append(seconds).append("\">\n")
                .append("  <testcase name=\"").append(escape(name)).append("\" classname=\"").append(escape(file.toString()))
                .append("\" time=\"").append(seconds).append("\"");
        if (passed()) {
            xml.append("/>\n");
        } else {
            xml.append(">\n    <failure message=\"").append(escape(failures.get(failures.size() - 1))).append("\">")
                    .append(escape(String.join("\n", failures))).append("</failure>\n  </testcase>\n");
        }
        xml.append("</testsuite>\n");
        Files.writeString(dir.resolve("TEST-" + suite + ".xml"), xml.toString());
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
