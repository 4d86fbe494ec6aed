package io.busbar.routes.admin;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads a Prometheus scrape (text format) in tests, and lints it with Prometheus's own promtool. */
public final class MetricsScrape {

    private MetricsScrape() {
    }

    /** The value of one series (name and labels exactly as written), or -1 when absent. */
    public static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(-1);
    }

    /**
     * Runs {@code promtool check metrics} (Debian package {@code prometheus}, installed by .ci/run) on the scrape.
     * Skips when promtool is missing, except under CI=true where that fails.
     */
    public static void assertPassesPromtool(String scrape) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("promtool is missing: apt-get install -y prometheus (see .ci/run)", notInstalled);
            }
            Assumptions.abort("promtool is not installed (apt-get install -y prometheus): metrics lint skipped");
            return;
        }
        try (OutputStream in = process.getOutputStream()) {
            in.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(report).as("promtool check metrics").isEmpty();
        assertThat(process.exitValue()).as("promtool exit code; report: " + report).isZero();
    }
}
