package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code busbar consume TOPIC}: prints records, as a group (from its committed offsets, committing what it prints)
 * or from an offset / the beginning / the end, until caught up or {@code --max}.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print records of a topic: as a consumer group (committing what is printed) or from an offset.")
public final class ConsumeCommand extends AdminCommand {

    enum Format { text, json, value }

    private static final int PAGE = 1000;

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Option(names = "--group", description = "Read as this group: start at its committed offsets and commit past"
            + " what is printed. The group must have no live members.")
    String group;

    @Option(names = "--from", defaultValue = "earliest",
            description = "Without --group: earliest (default), latest (only new records, see --timeout-ms) or recent.")
    String from;

    @Option(names = "--offset", description = "Without --group: start at this offset (with --partition, or in every partition).")
    Long offset;

    @Option(names = "--partition", description = "Only this partition.")
    Integer partition;

    @Option(names = "--max", description = "Stop after this many records (default: all there are).")
    Long max;

    @Option(names = "--timeout-ms", defaultValue = "0",
            description = "How long to wait for records when none are there yet (default 0).")
    long timeoutMs;

    @Option(names = "--format", defaultValue = "text",
            description = "text (partition, offset, key, headers, value), json (one object per line) or value.")
    Format format;

    private long printed;

    @Override
    void run(AdminClient client) {
        if (group != null) {
            consumeAsGroup(client);
        } else {
            for (int p : partitions(client)) {
                consumePartition(client, p);
            }
        }
        err().println(printed + " record(s)");
    }

    private void consumeAsGroup(AdminClient client) {
        boolean first = true;
        while (remaining() > 0) {
            Map<String, String> q = new HashMap<>(Map.of("group", group, "limit", Long.toString(remaining())));
            if (partition != null) {
                q.put("partition", partition.toString());
            }
            if (first) {
                q.put("timeoutMs", Long.toString(timeoutMs));
            }
            first = false;
            if (print(client.get("/api/topics/" + topic + "/records", q)) == 0) {
                return;
            }
        }
    }

    private void consumePartition(AdminClient client, int p) {
        Map<String, String> q = new HashMap<>(Map.of("partition", Integer.toString(p), "timeoutMs", Long.toString(timeoutMs)));
        if (offset != null) {
            q.put("offset", offset.toString());
        } else {
            q.put("from", from);
        }
        while (remaining() > 0) {
            q.put("limit", Long.toString(remaining()));
            JsonNode read = client.get("/api/topics/" + topic + "/records", q);
            if (print(read) == 0) {
                return;
            }
            q.remove("from");
            q.put("timeoutMs", "0");
            q.put("offset", read.path("nextOffsets").path(Integer.toString(p)).asText());
        }
    }

    private List<Integer> partitions(AdminClient client) {
        List<Integer> out = new ArrayList<>();
        if (partition != null) {
            out.add(partition);
        } else {
            client.get("/api/topics/" + topic, Map.of()).path("partitions").forEach(x -> out.add(x.path("partition").asInt()));
        }
        return out;
    }

    private long remaining() {
        long left = max == null ? Long.MAX_VALUE : max - printed;
        return Math.min(left, PAGE);
    }

    private int print(JsonNode read) {
        int n = 0;
        for (JsonNode r : read.path("records")) {
            out().println(switch (format) {
                case json -> r.toString();
                case value -> r.path("value").asText();
                case text -> text(r);
            });
            n++;
        }
        printed += n;
        out().flush();
        return n;
    }

    private static String text(JsonNode r) {
        StringBuilder s = new StringBuilder().append(r.path("topic").asText()).append('-')
                .append(r.path("partition").asInt()).append('@').append(r.path("offset").asLong());
        if (!r.path("key").isNull()) {
            s.append(" key=").append(r.path("key").asText());
        }
        r.path("headers").forEach(h -> s.append(' ').append(h.path("key").asText()).append('=').append(h.path("value").asText()));
        return s.append(" | ").append(r.path("value").asText()).toString();
    }
}
