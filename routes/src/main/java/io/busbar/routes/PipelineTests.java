package io.busbar.routes;

import io.busbar.routes.pipelinetest.PipelineTest;
import io.busbar.routes.pipelinetest.PipelineTestResult;
import io.busbar.routes.pipelinetest.PipelineTestRunner;
import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Pipeline tests ({@code *.test.yaml}, docs/testing.md) for Java users, as JUnit 5 dynamic tests: each test file runs
 * exactly as {@code busbar test} runs it (a fresh embedded bus, the runtime's own start path) and fails with the same
 * differences. In a test class:
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> pipelines() {
 *     return PipelineTests.in(Path.of("src/main/pipelines"));
 * }
 * }</pre>
 *
 * Needs junit-jupiter-api on the test class path (Busbar's runtime does not ship it).
 */
public final class PipelineTests {

    private PipelineTests() {
    }

    /** One dynamic test per {@code *.test.yaml} under {@code paths}. */
    public static Stream<DynamicTest> in(Path... paths) {
        return in(Map.of(), paths);
    }

    /** As {@link #in(Path...)}, with settings over every test file's own (as {@code busbar test --set}). */
    public static Stream<DynamicTest> in(Map<String, String> settings, Path... paths) {
        List<BusbarService> services = BusbarRuntime.discoverServices();
        PipelineTestRunner runner = new PipelineTestRunner((config, fromTest) -> {
            Map<String, String> all = new LinkedHashMap<>(fromTest);
            all.putAll(settings);
            return RunCommand.settings(config, all, services);
        }, BusbarCommand.version());
        return TestCommand.testFiles(List.of(paths)).stream().map(file -> DynamicTest.dynamicTest(
                file.getFileName().toString(), () -> {
                    PipelineTestResult result;
                    try {
                        result = runner.run(PipelineTest.read(file));
                    } catch (IOException | InvalidSettingException e) {
                        throw new AssertionError(file + ": " + e.getMessage(), e);
                    }
                    if (!result.passed()) {
                        throw new AssertionError(result.name() + " (" + file + ")" + System.lineSeparator()
                                + String.join(System.lineSeparator(), result.failures()));
                    }
                }));
    }
}
