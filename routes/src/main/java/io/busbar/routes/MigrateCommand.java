package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.kafka.KafkaBusConfig;
import io.busbar.bus.migration.BusMigration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code busbar migrate}: copies every topic and committed group offsets from a stopped embedded bus to a Kafka cluster,
 * so a user who outgrows one machine keeps their data. See docs/scaling-out.md.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Copy topics and committed group offsets from an embedded data directory to a Kafka cluster."
                + " Stop the runtime using the data directory first.")
final class MigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "./data", description = "The embedded bus's data directory (default ./data).")
    Path dataDir;

    @Option(names = "--bootstrap-servers", required = true, description = "host:port[,host:port...] of the target cluster.")
    String bootstrapServers;

    @Option(names = "--replication-factor", defaultValue = "1", description = "Replication factor of the created topics (default 1).")
    short replicationFactor;

    @Option(names = "--client", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting (TLS, SASL, ...), e.g. --client security.protocol=SSL. Repeatable.")
    Map<String, String> client = new LinkedHashMap<>();

    @Override
    public Integer call() {
        if (!Files.isDirectory(dataDir.resolve("topics"))) {
            spec.commandLine().getErr().println("No embedded bus in " + dataDir.toAbsolutePath()
                    + ": give the data directory of a Busbar runtime with --data-dir");
            return 2;
        }
        Map<String, Object> props = new HashMap<>(client);
        props.put("bootstrap.servers", bootstrapServers);
        KafkaBusConfig target = new KafkaBusConfig(props, Map.of(), Map.of(), replicationFactor, 1, false);
        try (Bus source = Bus.open(BusConfig.builder(dataDir).build()); Bus kafka = Bus.kafka(target)) {
            BusMigration.Result result = new BusMigration(source, kafka, line -> spec.commandLine().getOut().println(line)).run();
            spec.commandLine().getOut().printf("Migrated %d topics, %d records and the offsets of %d groups to %s%n",
                    result.topics(), result.records(), result.groups(), bootstrapServers);
            return 0;
        }
    }
}
