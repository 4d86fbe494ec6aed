package io.busbar.routes.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operations commands through the real launcher ({@code bin/busbar}): against a running runtime started the
 * same way (its admin API on a free port), then on its data directory once it stopped. Runs after package (failsafe).
 */
class OperationsLauncherIT {

    private static final Path HOME = Path.of(System.getProperty("busbar.home", "..")).toAbsolutePath().normalize();
    private static final Pattern ADMIN_URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)/console/");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private ProcessBuilder busbar(String... args) {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin/busbar").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("BUSBAR_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        return builder;
    }

    /** Runs a CLI command to its end; returns stdout, asserting exit 0. */
    private String cli(String stdin, String... args) throws Exception {
        Path err = dir.resolve("cli-err.log");
        Process p = busbar(args).redirectError(err.toFile()).start();
        processes.add(p);
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s %s", List.of(args), out, Files.readString(err)).isZero();
        return out;
    }

    @Test
    void administersARunningRuntimeThenItsStoppedDataDirectory() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("copy.yaml"), """
                - route:
                    id: copier
                    from:
                      uri: bus:in
                      parameters: {groupId: copier}
                      steps:
                        - to: bus:out
                """);
        Path data = dir.resolve("data");
        Path log = dir.resolve("runtime.log");
        Process runtime = busbar("run", pipelines.toString(), "--set", "busbar.data.dir=" + data,
                "--set", "busbar.admin.listener=127.0.0.1:0", "--set", "busbar.kafka.listener=127.0.0.1:0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(runtime);
        await().atMost(Duration.ofSeconds(120)).until(() -> ADMIN_URL.matcher(read(log)).find());
        Matcher m = ADMIN_URL.matcher(read(log));
        assertThat(m.find()).isTrue();
        String url = m.group(1);

        assertThat(cli("k1:one\nk2:two\nk1:three\n", "produce", "in", "--key-separator", ":", "--url", url))
                .contains("Produced 3 record(s) to in");
        await().atMost(Duration.ofSeconds(60)).until(() ->
                cli(null, "consume", "out", "--format", "value", "--url", url).lines().count() == 3);
        assertThat(cli(null, "groups", "describe", "copier", "--url", url)).containsPattern("in\\s+0\\s+3\\s+3\\s+0");
        assertThat(cli(null, "pipelines", "list", "--url", url)).containsPattern("copier\\s+running");

        runtime.destroy(); // SIGTERM: graceful stop, bus closed cleanly
        assertThat(runtime.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(cli(null, "topics", "list", "--data-dir", data.toString())).containsPattern("(?m)^out\\s+1\\s+3");
        assertThat(cli(null, "consume", "in", "--format", "json", "--max", "1", "--data-dir", data.toString()))
                .contains("\"key\":\"k1\"", "\"value\":\"one\"");
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
