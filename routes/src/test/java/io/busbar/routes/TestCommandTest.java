package io.busbar.routes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code busbar test}: pipeline tests in YAML on a fresh embedded bus, their verdicts, diffs, exit codes and reports. */
class TestCommandTest {
    private static final Path QUICKSTART = Path.of("..", "samples", "quickstart").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = BusbarCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path billingWithTest(String testYaml) throws IOException {
        Files.copy(QUICKSTART.resolve("billing.yaml"), dir.resolve("billing.yaml"));
        Path test = dir.resolve("billing.test.yaml");
        Files.writeString(test, testYaml);
        return test;
    }

    private static final String GIVEN = """
            pipelines: [billing.yaml]
            given:
              records:
                - topic: orders
                  key: customer-1
                  value: {"orderId": 1, "customerId": "customer-1", "amount": 300}
            """;

    @Test
    void aPassingTestExitsZeroAndWritesAJUnitReport() throws IOException {
        Path test = billingWithTest("name: large orders\n" + GIVEN + """
                expect:
                  records:
                    - topic: invoices
                      count: 1
                      contains:
                        - key: customer-1
                          jsonPath:
                            $.tier: large
                """);
        assertThat(execute("test", test.toString(), "--junit-xml", dir.resolve("reports").toString())).as(out + "" + err).isZero();
        assertThat(out.toString()).contains("PASS  " + test).contains("1 passed, 0 failed");
        String xml = Files.readString(dir.resolve("reports/TEST-billing.xml"));
        assertThat(xml).contains("tests=\"1\" failures=\"0\"").contains("<testcase name=\"large orders\"");
    }

    @Test
    void aFailingTestShowsWhatDifferedAndExitsOne() throws IOException {
        Path test = billingWithTest(GIVEN + """
                timeout: 2s
                expect:
                  records:
                    - topic: invoices
                      contains:
                        - value: {"invoiceFor": 1, "customerId": "customer-1", "amount": 300, "tier": "huge"}
                    - topic: orders
                      count: 2
                """);
        assertThat(execute("test", dir.toString(), "--junit-xml", dir.resolve("reports").toString())).isEqualTo(ExitCode.FAILURE);
        assertThat(out.toString())
                .contains("FAIL  " + test)
                .contains("topic invoices: no record matches")
                .contains("$.tier: expected \"huge\", found \"large\"")
                .contains("topic orders: expected 2 record(s), found 1")
                .contains("0 passed, 1 failed");
        assertThat(Files.readString(dir.resolve("reports/TEST-billing.xml"))).contains("failures=\"1\"").contains("<failure");
    }

    @Test
    void aTestFileThatIsNotUnderstoodFailsNamingTheFix() throws IOException {
        Path test = billingWithTest(GIVEN + "expcet:\n  records: []\n");
        assertThat(execute("test", test.toString())).isEqualTo(ExitCode.FAILURE);
        assertThat(out.toString()).contains("unknown key(s) [expcet]");
    }

    @Test
    void noTestFilesIsAUsageError() {
        assertThat(execute("test", dir.toString())).isEqualTo(ExitCode.CONFIG);
        assertThat(err.toString()).contains("No pipeline tests (*.test.yaml)");
    }

    @Test
    void runAndValidateLeaveTestFilesAlone() throws IOException {
        billingWithTest(GIVEN + "expect: {}\n");
        assertThat(PipelineFiles.of(List.of(dir)).files()).extracting(p -> p.getFileName().toString())
                .containsExactly("billing.yaml");
    }
}
