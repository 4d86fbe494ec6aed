package io.busbar.routes;

import io.busbar.routes.pipelinetest.PipelineTest;
import io.busbar.routes.pipelinetest.PipelineTestResult;
import io.busbar.routes.pipelinetest.PipelineTestRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code busbar test <files or directories>}: runs the pipeline tests ({@code *.test.yaml}) found there, each on its own
 * fresh embedded bus (docs/testing.md). Exit 0 when all pass, 1 when one fails, 2 when there is nothing to run.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run pipeline tests (*.test.yaml beside the pipelines): each starts the pipelines on a fresh"
                + " embedded bus in a temporary directory, puts records, files, rows or HTTP requests in and checks what"
                + " comes out (docs/testing.md).")
final class TestCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Test files or directories (searched recursively).")
    List<Path> paths = List.of();

    @Option(names = "--junit-xml", paramLabel = "DIR", description = "Also write a JUnit XML report per test file into DIR.")
    Path junitXml;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A setting for every test, over the test files' own, e.g. --set busbar.plugins.dir=build/plugins."
                    + " Repeatable.")
    java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files;
        try {
            files = testFiles(paths);
        } catch (InvalidSettingException e) {
            err.println("busbar: " + e.getMessage());
            err.flush();
            return ExitCode.CONFIG;
        }
        List<BusbarService> services = BusbarRuntime.discoverServices();
        PipelineTestRunner runner = new PipelineTestRunner(
                (config, fromTest) -> {
                    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(fromTest);
                    all.putAll(overrides);
                    return RunCommand.settings(config, all, services);
                }, BusbarCommand.version());
        int passed = 0;
        int failed = 0;
        for (Path file : files) {
            PipelineTestResult result;
            try {
                result = runner.run(PipelineTest.read(file));
            } catch (IOException | InvalidSettingException e) {
                result = new PipelineTestResult(file, file.getFileName().toString(), List.of(e.getMessage()),
                        java.time.Duration.ZERO);
            }
            out.printf(Locale.ROOT, "%s  %s  %s (%.1f s)%n", result.passed() ? "PASS" : "FAIL", file, result.name(),
                    result.duration().toMillis() / 1000.0);
            result.failures().forEach(f -> out.println("      " + f));
            out.flush();
            if (result.passed()) {
                passed++;
            } else {
                failed++;
            }
            if (junitXml != null) {
                try {
                    result.writeJUnitXml(junitXml);
                } catch (IOException e) {
                    err.println("busbar: cannot write the JUnit report into " + junitXml + ": " + e.getMessage());
                }
            }
        }
        out.println("pipeline tests: " + passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? ExitCode.OK : ExitCode.FAILURE;
    }

    /** The {@code *.test.yaml} files named or found under {@code paths}. */
    static List<Path> testFiles(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path given : paths) {
            if (Files.isDirectory(given)) {
                try (Stream<Path> walk = Files.walk(given)) {
                    walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(PipelineFiles.TEST_FILE_SUFFIX))
                            .sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isRegularFile(given) && given.toString().endsWith(PipelineFiles.TEST_FILE_SUFFIX)) {
                files.add(given);
            } else {
                throw new InvalidSettingException("'" + given + "' is neither a directory nor a test file (*"
                        + PipelineFiles.TEST_FILE_SUFFIX + ")");
            }
        }
        if (files.isEmpty()) {
            throw new InvalidSettingException("No pipeline tests (*" + PipelineFiles.TEST_FILE_SUFFIX + ") in " + paths
                    + ": write one beside your pipelines (docs/testing.md)");
        }
        return files;
    }
}
