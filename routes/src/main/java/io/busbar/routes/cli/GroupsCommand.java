package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.routes.admin.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code busbar groups list|describe|reset-offsets|delete}. */
@Command(name = "groups", description = "List, describe, reset and delete consumer groups.",
        mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT,
        subcommands = { GroupsCommand.ListGroups.class, GroupsCommand.DescribeGroup.class,
                GroupsCommand.ResetOffsets.class, GroupsCommand.DeleteGroup.class })
public final class GroupsCommand {

    @Command(name = "list", description = "Groups with state, members and total lag.")
    static final class ListGroups extends AdminCommand {
        @Override
        void run(AdminClient client) {
            JsonNode groups = client.get("/api/groups", Map.of());
            if (printedJson(groups)) {
                return;
            }
            Table t = new Table("GROUP", "STATE", "MEMBERS", "LAG");
            groups.forEach(g -> t.row(g.path("groupId").asText(), g.path("state").asText(), g.path("members").asInt(),
                    g.path("lag").asLong()));
            t.print(out());
        }
    }

    @Command(name = "describe", description = "Members, and per partition the committed offset, end offset and lag.")
    static final class DescribeGroup extends AdminCommand {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Override
        void run(AdminClient client) {
            JsonNode d = client.get("/api/groups/" + group, Map.of());
            if (printedJson(d)) {
                return;
            }
            out().println("Group " + d.path("groupId").asText() + "  state " + d.path("state").asText()
                    + "  generation " + d.path("generation").asInt() + "  lag " + d.path("lag").asLong());
            Table members = new Table("MEMBER", "CLIENT", "HOST", "ASSIGNMENT");
            d.path("members").forEach(m -> members.row(m.path("memberId").asText(), m.path("clientId").asText(),
                    m.path("host").asText(), join(m.path("assignment"))));
            members.print(out());
            Table offsets = new Table("TOPIC", "PARTITION", "COMMITTED", "END", "LAG");
            d.path("partitions").forEach(p -> offsets.row(p.path("topic").asText(), p.path("partition").asInt(),
                    p.path("committedOffset").asLong(), p.path("endOffset").asLong(), p.path("lag").asLong()));
            offsets.print(out());
        }

        private static String join(JsonNode array) {
            List<String> out = new ArrayList<>();
            array.forEach(a -> out.add(a.asText()));
            return String.join(",", out);
        }
    }

    @Command(name = "reset-offsets", description = "Move a group's committed offsets (the group must have no members:"
            + " stop its pipeline first).")
    static final class ResetOffsets extends AdminCommand {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Option(names = "--topic", required = true, description = "The topic whose offsets move.")
        String topic;

        @Option(names = "--partition", paramLabel = "N", description = "Only this partition (repeatable; default all).")
        List<Integer> partitions = new ArrayList<>();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target to;

        static final class Target {
            @Option(names = "--to-earliest", description = "The first offset held.")
            boolean earliest;
            @Option(names = "--to-latest", description = "The end (skip everything held).")
            boolean latest;
            @Option(names = "--to-offset", paramLabel = "OFFSET", description = "This offset.")
            Long offset;
            @Option(names = "--to-datetime", paramLabel = "ISO-8601",
                    description = "The first record at or after this time, e.g. 2026-11-25T20:00:00Z.")
            String datetime;
        }

        @Override
        void run(AdminClient client) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("topic", topic);
            partitions.forEach(body.putArray("partitions")::add);
            if (to.earliest) {
                body.put("to", "earliest");
            } else if (to.latest) {
                body.put("to", "latest");
            } else if (to.offset != null) {
                body.put("to", "offset").put("value", to.offset);
            } else {
                body.put("to", "timestamp").put("value", parseInstant(to.datetime));
            }
            JsonNode result = client.call("POST", "/api/groups/" + group + "/reset-offsets", Map.of(), body);
            if (printedJson(result)) {
                return;
            }
            Table t = new Table("PARTITION", "NEW OFFSET");
            result.path("offsets").fields().forEachRemaining(e -> t.row(e.getKey(), e.getValue().asLong()));
            t.print(out());
        }

        private static long parseInstant(String s) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new AdminCallException(0, "--to-datetime '" + s + "' is not an ISO-8601 instant: use e.g."
                        + " 2026-11-25T20:00:00Z");
            }
        }
    }

    @Command(name = "delete", description = "Delete an empty group and its committed offsets.")
    static final class DeleteGroup extends AdminCommand {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Override
        void run(AdminClient client) {
            client.call("DELETE", "/api/groups/" + group, Map.of(), null);
            out().println("Deleted group " + group);
        }
    }
}
