package io.busbar.routes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BusbarCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = BusbarCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void printsHelpListingTheRunCommand() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("Usage: busbar").contains("run");
    }

    @Test
    void printsTheVersion() {
        assertThat(execute("--version")).isZero();
        assertThat(out.toString()).contains("busbar ").contains("Apache Camel");
    }

    @Test
    void refusesAnUnknownSettingWithExitCode2AndTheValidKeys(@TempDir Path dir) throws Exception {
        Path pipeline = Files.writeString(dir.resolve("p.yaml"), "- route:\n    from:\n      uri: timer:x\n      steps: []\n");

        int code = execute("run", pipeline.toString(), "--set", "busbar.data.dirr=" + dir);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown setting 'busbar.data.dirr'").contains("busbar.data.dir,");
    }

    @Test
    void refusesAMissingPipelinePathAndAMissingConfigFile(@TempDir Path dir) {
        assertThat(execute("run", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing").contains("does not exist");

        assertThat(execute("run", dir.toString(), "--config", dir.resolve("nope.properties").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nope.properties").contains("--config");
    }

    @Test
    void reportsAPipelineThatCannotStartWithExitCode1AndTheCause(@TempDir Path dir) throws Exception {
        Path pipeline = Files.writeString(dir.resolve("broken.yaml"), """
                - route:
                    id: broken
                    from:
                      uri: "bus:orders"
                      steps:
                        - to: "log:x"
                """);

        int code = execute("run", pipeline.toString(), "--set", "busbar.data.dir=" + dir.resolve("data"),
                "--set", "busbar.durability=os", "--set", "busbar.admin.listener=127.0.0.1:0",
                "--set", "busbar.kafka.listener=127.0.0.1:0");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("busbar: pipelines failed to start").contains("add ?groupId=<name>");
    }
}
