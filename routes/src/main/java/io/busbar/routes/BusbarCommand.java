package io.busbar.routes;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code busbar} command line. Subcommands: {@code run} (pipelines); administration commands (topics, groups,
 * produce, consume) are added here as further subcommands.
 */
@Command(name = "busbar", mixinStandardHelpOptions = true, versionProvider = BusbarCommand.Version.class,
        description = "An integration bus: a durable, Kafka-compatible log with Apache Camel pipelines.",
        subcommands = { RunCommand.class, ValidateCommand.class, TestCommand.class, MigrateCommand.class, CommandLine.HelpCommand.class,
                // operations (io.busbar.routes.cli): talk to a running runtime (--url) or a stopped data dir (--data-dir)
                io.busbar.routes.cli.TopicsCommand.class, io.busbar.routes.cli.GroupsCommand.class,
                io.busbar.routes.cli.ProduceCommand.class, io.busbar.routes.cli.ConsumeCommand.class,
                io.busbar.routes.cli.PipelinesCommand.class, io.busbar.routes.cli.DlqCommand.class,
                io.busbar.routes.cli.UsersCommand.class, io.busbar.routes.cli.TokensCommand.class,
                io.busbar.routes.cli.SqlCommand.class })
public final class BusbarCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new BusbarCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut()); // `busbar` alone: the help, exit 0
    }

    /** The build's version, from {@code busbar-version.properties} (filtered by Maven). */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = BusbarCommand.class.getResourceAsStream("/busbar-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return p.getProperty("version", "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] { "busbar " + version(), "Apache Camel " + org.apache.camel.main.Main.class
                    .getPackage().getImplementationVersion(), "Java " + System.getProperty("java.version") };
        }
    }
}
