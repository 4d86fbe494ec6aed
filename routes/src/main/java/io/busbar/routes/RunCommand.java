package io.busbar.routes;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.busbar.routes.validate.InvalidPipelineException;
import io.busbar.routes.validate.PipelineValidator;
import io.busbar.routes.validate.Problem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code busbar run <files or directories>}: runs the pipelines until Ctrl-C / SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run YAML (.yaml, .yml) and Java DSL (.java) pipelines on the embedded bus until stopped"
                + " (Ctrl-C / SIGTERM: in-flight exchanges finish, offsets are committed, the bus closes).")
final class RunCommand implements Callable<Integer> {

    static final String DEFAULT_CONFIG = "busbar.properties";

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Pipeline files or directories (searched recursively)."
            + " None: the bus alone, with its listeners (Kafka, admin, HTTP when enabled).")
    List<Path> paths = List.of();

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (default: ./busbar.properties when present).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A setting, overriding file and environment, e.g. --set busbar.data.dir=/var/busbar."
                    + " camel.* keys go to camel-main. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try {
            List<BusbarService> services = BusbarRuntime.discoverServices();
            BusbarSettings settings = settings(config, overrides, services);
            Plugins.install(settings);
            PipelineFiles pipelines = PipelineFiles.of(paths);
            List<Problem> problems = new PipelineValidator(Thread.currentThread().getContextClassLoader(),
                    settings.camelProperties().keySet()).validate(pipelines.files(), List.of());
            if (!problems.isEmpty()) {
                throw new InvalidPipelineException(problems);
            }
            new BusbarRuntime(settings, pipelines, services, BusbarCommand.version(), summary -> {
                spec.commandLine().getOut().println(summary);
                spec.commandLine().getOut().flush();
            }).run();
            return ExitCode.OK;
        } catch (InvalidSettingException | io.busbar.bus.InvalidConfigException | InvalidPipelineException e) {
            spec.commandLine().getErr().println("busbar: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCode.CONFIG;
        } catch (Exception e) {
            // e.g. a route that does not parse or an endpoint that cannot start: Camel's messages name the route
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // a configuration error (e.g. a listener's port in use: change the setting) exits 2, as invalid settings do
            int code = ExitCode.of(e);
            spec.commandLine().getErr().println((code == ExitCode.CONFIG ? "busbar: " : "busbar: pipelines failed to start: ")
                    + e.getMessage() + (root != e ? System.lineSeparator() + "  cause: " + root : ""));
            spec.commandLine().getErr().flush();
            return code;
        }
    }

    /** The settings of {@code --config} (or ./busbar.properties), the environment and {@code --set}, checked. */
    static BusbarSettings settings(Path config, Map<String, String> overrides, List<BusbarService> services) {
        Map<String, String> file = Map.of();
        String fileName = DEFAULT_CONFIG;
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new InvalidSettingException("Settings file " + config + " does not exist: fix the --config path");
            }
            file = BusbarSettings.readFile(config);
            fileName = config.toString();
        } else if (Files.isRegularFile(Path.of(DEFAULT_CONFIG))) {
            file = BusbarSettings.readFile(Path.of(DEFAULT_CONFIG));
        }
        return BusbarSettings.resolve(BusbarRuntime.knownKeys(services), file, fileName, System.getenv(), overrides);
    }
}
