package io.busbar.routes;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The samples' pipeline tests as JUnit 5 dynamic tests, as a Java user runs them; and a failure's message. */
class PipelineTestsTest {
    private static final Path QUICKSTART = Path.of("..", "samples", "quickstart").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> quickstartPipelineTests() {
        return PipelineTests.in(QUICKSTART.resolve("billing.test.yaml"));
    }

    @Test
    void aFailingPipelineTestFailsItsDynamicTestWithTheDifferences() throws Exception {
        Files.copy(QUICKSTART.resolve("billing.yaml"), dir.resolve("billing.yaml"));
        Files.writeString(dir.resolve("billing.test.yaml"), """
                pipelines: [billing.yaml]
                timeout: 1s
                given:
                  records:
                    - topic: orders
                      value: {"orderId": 1, "customerId": "c", "amount": 10}
                expect:
                  records:
                    - topic: invoices
                      count: 2
                """);
        List<DynamicTest> tests = PipelineTests.in(dir).toList();
        assertThat(tests).hasSize(1);
        assertThatThrownBy(() -> tests.get(0).getExecutable().execute())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("topic invoices: expected 2 record(s), found 1");
    }
}
