package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.Map;

/** {@code busbar pipelines list|start|stop}: needs a running runtime (--url). */
@Command(name = "pipelines", description = "List, start and stop the pipelines of a running Busbar.",
        mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        subcommands = { PipelinesCommand.ListPipelines.class, PipelinesCommand.StartPipeline.class,
                PipelinesCommand.StopPipeline.class })
public final class PipelinesCommand {

    @Command(name = "list", description = "Pipelines with status, exchanges, failures, rate and last error.")
    static final class ListPipelines extends AdminCommand {
        @Override
        void run(AdminClient client) {
            JsonNode pipelines = client.get("/api/pipelines", Map.of());
            if (printedJson(pipelines)) {
                return;
            }
            Table t = new Table("PIPELINE", "STATUS", "SOURCE", "EXCHANGES", "FAILURES", "OUT", "RATE/S", "LAST ERROR");
            pipelines.forEach(p -> t.row(p.path("id").asText(), p.path("status").asText(), p.path("source").asText(),
                    p.path("exchanges").asLong(), p.path("failures").asLong(), p.path("recordsOut").asLong(),
                    String.format(Locale.ROOT, "%.1f", p.path("ratePerSecond").asDouble()),
                    p.path("lastError").isObject() ? p.path("lastError").path("message").asText() : null));
            t.print(out());
        }
    }

    @Command(name = "start", description = "Start a stopped pipeline.")
    static final class StartPipeline extends AdminCommand {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String id;

        @Override
        void run(AdminClient client) {
            JsonNode p = client.call("POST", "/api/pipelines/" + id + "/start", Map.of(), null);
            out().println("Pipeline " + id + " is " + p.path("status").asText());
        }
    }

    @Command(name = "stop", description = "Stop a pipeline gracefully (in-flight exchanges finish, offsets are committed).")
    static final class StopPipeline extends AdminCommand {
        @Parameters(index = "0", paramLabel = "PIPELINE")
        String id;

        @Override
        void run(AdminClient client) {
            JsonNode p = client.call("POST", "/api/pipelines/" + id + "/stop", Map.of(), null);
            out().println("Pipeline " + id + " is " + p.path("status").asText());
        }
    }
}
