package io.busbar.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.routes.admin.Json;
import io.busbar.routes.validate.PipelineValidator;
import io.busbar.routes.validate.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code busbar validate <paths>}: the checks {@code busbar run} makes before it starts (settings, pipeline paths,
 * every connector parameter), without opening the bus or starting a route. Exit 0 when valid, 1 when not, 2 on bad
 * usage (a path that does not exist).
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check pipelines as `busbar run` does at start (settings, kamelet and bus: parameters: names,"
                + " types, required ones) without starting anything. Exit 0 valid, 1 invalid.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Pipeline files or directories (searched recursively).")
    List<Path> paths;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (default: ./busbar.properties when present).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting, as for `busbar run`. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print the result as JSON (for tools).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        PipelineFiles pipelines;
        try {
            pipelines = PipelineFiles.of(paths);
        } catch (InvalidSettingException e) { // a missing path is a usage error, as for run
            spec.commandLine().getErr().println("busbar: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCode.CONFIG;
        }
        List<Problem> problems = new ArrayList<>();
        Set<String> camelKeys = Set.of();
        try {
            BusbarSettings settings = RunCommand.settings(config, overrides, BusbarRuntime.discoverServices());
            camelKeys = settings.camelProperties().keySet();
            Plugins.install(settings); // the user's connectors are checked as run would load them
        } catch (InvalidSettingException e) {
            problems.add(new Problem(config != null ? config : Path.of(RunCommand.DEFAULT_CONFIG), 0, null, null, e.getMessage()));
        }
        problems.addAll(new PipelineValidator(Thread.currentThread().getContextClassLoader(), camelKeys)
                .validate(pipelines.files(), List.of()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode result = Json.MAPPER.createObjectNode();
            result.put("valid", problems.isEmpty());
            result.put("files", pipelines.files().size());
            ArrayNode list = result.putArray("problems");
            for (Problem p : problems) {
                ObjectNode n = list.addObject();
                n.put("file", p.file().toString());
                n.put("line", p.line());
                n.put("route", p.route());
                n.put("parameter", p.parameter());
                n.put("message", p.message());
            }
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } else if (problems.isEmpty()) {
            out.println("Valid: " + pipelines.files().size() + " pipeline file(s)");
        } else {
            problems.forEach(out::println);
            out.println(problems.size() + " problem(s) in " + pipelines.files().size() + " pipeline file(s)");
        }
        out.flush();
        return problems.isEmpty() ? ExitCode.OK : ExitCode.FAILURE;
    }
}
