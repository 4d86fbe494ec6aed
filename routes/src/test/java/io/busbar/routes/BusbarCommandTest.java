package io.busbar.routes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
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
                      uri: "bus:orders?groupId=g"
                      steps:
                        - to: "nosuch:thing"
                """);

        int code = execute("run", pipeline.toString(), "--set", "busbar.data.dir=" + dir.resolve("data"),
                "--set", "busbar.durability=os", "--set", "busbar.admin.listener=127.0.0.1:0",
                "--set", "busbar.kafka.listener=127.0.0.1:0");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("busbar: pipelines failed to start").contains("nosuch");
    }
    @Test
    void withoutArgumentsPrintsTheHelp() {
        assertThat(execute()).isZero();
        assertThat(out.toString()).contains("Usage: busbar").contains("run").contains("validate");
    }

    @Test
    void refusesToStartAPipelineWithAMisspeltConnectorParameterNamingFileLineAndTheFix(@TempDir Path dir) throws Exception {
        Path pipeline = Files.writeString(dir.resolve("orders-in.yaml"), """
                - route:
                    id: orders-in
                    from:
                      uri: kamelet:file-source
                      parameters:
                        directory: in
                        topic: orders
                        fromat: csv
                      steps:
                        - to: "log:x"
                """);

        int code = execute("run", pipeline.toString(), "--set", "busbar.data.dir=" + dir.resolve("data"),
                "--set", "busbar.admin.listener=127.0.0.1:0", "--set", "busbar.kafka.listener=127.0.0.1:0");

        assertThat(code).isEqualTo(ExitCode.CONFIG);
        assertThat(err.toString()).contains(pipeline + ":8: route orders-in: kamelet:file-source has no parameter"
                + " 'fromat': did you mean format?");
        assertThat(dir.resolve("data")).as("nothing started: the bus was not even opened").doesNotExist();
    }

    @Test
    void validateExitsZeroForValidPipelinesAndOneWithTheProblemsOtherwise(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), """
                - route:
                    from:
                      uri: "bus:in?groupId=g"
                      steps:
                        - to: "bus:out"
                """);
        assertThat(execute("validate", good.toString())).isZero();
        assertThat(out.toString()).contains("Valid: 1 pipeline file(s)");

        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                - route:
                    id: bad
                    from:
                      uri: "bus:in?groupId=g&maxPollRecords=many"
                      steps:
                        - to: "bus:out"
                """);
        out.getBuffer().setLength(0);
        assertThat(execute("validate", dir.toString(), "--json")).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("valid").asBoolean()).isFalse();
        assertThat(json.get("files").asInt()).isEqualTo(2);
        JsonNode problem = json.get("problems").get(0);
        assertThat(problem.get("file").asText()).isEqualTo(bad.toString());
        assertThat(problem.get("line").asInt()).isEqualTo(4);
        assertThat(problem.get("route").asText()).isEqualTo("bad");
        assertThat(problem.get("parameter").asText()).isEqualTo("maxPollRecords");
        assertThat(problem.get("message").asText()).contains("expected an integer");
        assertThat(dir.resolve("data")).doesNotExist();

        assertThat(execute("validate", dir.resolve("missing").toString())).isEqualTo(ExitCode.CONFIG);
    }

    @Test
    void anAdminOrKafkaPortInUseFailsTheStartWithTheSameConfigurationExitCode(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String inUse = "127.0.0.1:" + taken.getLocalPort();

            int admin = execute("run", "--set", "busbar.data.dir=" + dir.resolve("a"), "--set", "busbar.admin.listener=" + inUse,
                    "--set", "busbar.kafka.listener=127.0.0.1:0");
            int kafka = execute("run", "--set", "busbar.data.dir=" + dir.resolve("k"), "--set", "busbar.admin.listener=127.0.0.1:0",
                    "--set", "busbar.kafka.listener=" + inUse);

            assertThat(admin).as(err.toString()).isEqualTo(ExitCode.CONFIG);
            assertThat(kafka).as(err.toString()).isEqualTo(ExitCode.CONFIG);
            assertThat(err.toString()).contains("busbar.admin.listener").contains("busbar.kafka.listener");
        }
    }
}
