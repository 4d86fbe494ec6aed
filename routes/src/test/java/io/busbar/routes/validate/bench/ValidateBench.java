package io.busbar.routes.validate.bench;

import io.busbar.routes.validate.PipelineValidator;
import io.busbar.routes.validate.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of {@code busbar validate} over 100 pipeline files (docs/performance.md "Validating pipelines"):
 * end to end through {@code bin/busbar} (a new JVM each time, as a user or CI runs it), and the checks alone in a
 * warm JVM. The files mix kamelet sources and sinks (file, JDBC, HTTP) and {@code bus:} routes, 2 routes each.
 *
 * <pre>mvn -B -q -pl routes -am verify -Pbench-validate -DskipTests</pre>
 * Options: {@code -Dbench.files=100}, {@code -Dbench.rounds=5}.
 */
public final class ValidateBench {

    public static void main(String[] args) throws Exception {
        int files = Integer.getInteger("bench.files", 100);
        int rounds = Integer.getInteger("bench.rounds", 5);
        Path home = Path.of(System.getProperty("busbar.home", "..")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("validate-bench");
        List<Path> pipelines = writePipelines(dir, files);

        List<Long> launcher = new ArrayList<>();
        for (int i = 0; i < rounds + 1; i++) {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(home.resolve("bin/busbar").toString(), "validate", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("validate.out").toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("busbar validate failed: " + Files.readString(dir.resolve("validate.out")));
            }
            if (i > 0) { // the first run warms the page cache for the jars
                launcher.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        }

        PipelineValidator validator = new PipelineValidator(ValidateBench.class.getClassLoader(), Set.of());
        for (int i = 0; i < 20; i++) {
            check(validator.validate(pipelines, List.of()));
        }
        List<Long> warm = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            check(validator.validate(pipelines, List.of()));
            warm.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
        }
        System.out.printf("busbar validate, %d files (%d routes), bin/busbar end to end (ms): %s%n", files, files * 2, launcher);
        System.out.printf("checks alone, warm JVM (us): %s%n", warm);
    }

    private static void check(List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The bench's pipelines should be valid: " + problems);
        }
    }

    private static List<Path> writePipelines(Path dir, int count) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String source = switch (i % 3) {
                case 0 -> """
                          uri: kamelet:file-source
                          parameters:
                            directory: "{{app.inbox}}/%1$d"
                            topic: in-%1$d
                            format: csv
                            keyField: id
                            batchRecords: 1000
                            onMalformed: dead-letter
                        """;
                case 1 -> """
                          uri: kamelet:jdbc-source
                          parameters:
                            jdbcUrl: "jdbc:h2:mem:db%1$d"
                            connectorId: db-%1$d
                            table: orders
                            topic: in-%1$d
                            mode: incrementing
                            incrementingColumn: id
                            pollIntervalMs: 500
                        """;
                default -> """
                          uri: kamelet:http-source
                          parameters:
                            port: %1$d
                            autoCreateTopics: false
                        """;
            };
            Path file = dir.resolve("pipeline-%03d.yaml".formatted(i));
            Files.writeString(file, ("""
                    - route:
                        id: source-%1$d
                        from:
                    """ + source.indent(4) + """
                          steps:
                            - log: "read ${body}"
                    - route:
                        id: sink-%1$d
                        from:
                          uri: "bus:in-%1$d?groupId=g%1$d&maxPollRecords=200&concurrency=2"
                          steps:
                            - to: "bus:out-%1$d?valueFormat=json"
                            - to:
                                uri: kamelet:http-sink
                                parameters:
                                  url: "http://127.0.0.1:9/%1$d"
                                  method: POST
                    """).formatted(8000 + i));
            files.add(file);
        }
        return files;
    }
}
