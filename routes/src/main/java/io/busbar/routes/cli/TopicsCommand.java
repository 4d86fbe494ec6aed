package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.routes.admin.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code busbar topics list|create|describe|delete}. */
@Command(name = "topics", description = "List, create, describe and delete topics.", mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        subcommands = { TopicsCommand.ListTopics.class, TopicsCommand.CreateTopic.class,
                TopicsCommand.DescribeTopic.class, TopicsCommand.DeleteTopic.class })
public final class TopicsCommand {

    @Command(name = "list", description = "Topics with partitions, records held and bytes on disk.")
    static final class ListTopics extends AdminCommand {
        @Option(names = "--internal", description = "Include internal topics (__consumer_offsets, ...).")
        boolean internal;

        @Override
        void run(AdminClient client) {
            JsonNode topics = client.get("/api/topics", Map.of("internal", Boolean.toString(internal)));
            if (printedJson(topics)) {
                return;
            }
            Table t = new Table("TOPIC", "PARTITIONS", "RECORDS", "BYTES");
            topics.forEach(x -> t.row(x.path("name").asText(), x.path("partitions").asInt(), x.path("records").asLong(),
                    x.path("sizeBytes").asLong()));
            t.print(out());
        }
    }

    @Command(name = "create", description = "Create a topic.")
    static final class CreateTopic extends AdminCommand {
        @Parameters(index = "0", paramLabel = "TOPIC")
        String name;

        @Option(names = "--partitions", defaultValue = "1", description = "Number of partitions (default 1).")
        int partitions;

        @Option(names = "--config", paramLabel = "KEY=VALUE",
                description = "A topic setting with Kafka's name, e.g. --config retention.ms=86400000. Repeatable.")
        Map<String, String> config = new LinkedHashMap<>();

        @Override
        void run(AdminClient client) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("name", name).put("partitions", partitions);
            ObjectNode cfg = body.putObject("config");
            config.forEach(cfg::put);
            JsonNode created = client.call("POST", "/api/topics", Map.of(), body);
            if (!printedJson(created)) {
                out().println("Created topic " + name + " with " + created.path("partitions").size() + " partition(s)");
            }
        }
    }

    @Command(name = "describe", description = "A topic's id, settings and per-partition offsets.")
    static final class DescribeTopic extends AdminCommand {
        @Parameters(index = "0", paramLabel = "TOPIC")
        String name;

        @Override
        void run(AdminClient client) {
            JsonNode d = client.get("/api/topics/" + name, Map.of());
            if (printedJson(d)) {
                return;
            }
            out().println("Topic " + d.path("name").asText() + "  id " + d.path("topicId").asText() + "  records "
                    + d.path("records").asLong() + "  bytes " + d.path("sizeBytes").asLong());
            d.path("config").fields().forEachRemaining(e -> out().println("  " + e.getKey() + " = " + e.getValue().asText()));
            Table t = new Table("PARTITION", "START", "END", "RECORDS", "BYTES");
            d.path("partitions").forEach(p -> t.row(p.path("partition").asInt(), p.path("startOffset").asLong(),
                    p.path("endOffset").asLong(), p.path("records").asLong(), p.path("sizeBytes").asLong()));
            t.print(out());
        }
    }

    @Command(name = "delete", description = "Delete a topic and its files.")
    static final class DeleteTopic extends AdminCommand {
        @Parameters(index = "0", paramLabel = "TOPIC")
        String name;

        @Override
        void run(AdminClient client) {
            client.call("DELETE", "/api/topics/" + name, Map.of(), null);
            out().println("Deleted topic " + name);
        }
    }
}
