package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.routes.admin.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code busbar dlq inspect|replay}: dead-letter topics ({@code <topic>.dlq}). */
@Command(name = "dlq", description = "Inspect dead-lettered records and replay them to their topic.",
        mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT, subcommands = { DlqCommand.Inspect.class, DlqCommand.Replay.class })
public final class DlqCommand {

    @Command(name = "inspect", description = "Dead-letter records with their error and original position;"
            + " without TOPIC, every dead-letter topic with its pending count.")
    static final class Inspect extends AdminCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "TOPIC", description = "orders or orders.dlq")
        String topic;

        @Option(names = "--max", defaultValue = "100", description = "At most this many records (default 100).")
        int max;

        @Override
        void run(AdminClient client) {
            if (topic == null) {
                JsonNode list = client.get("/api/dlq", Map.of());
                if (!printedJson(list)) {
                    Table t = new Table("DLQ TOPIC", "ORIGINAL", "RECORDS", "REPLAYED", "PENDING");
                    list.forEach(d -> t.row(d.path("topic").asText(), d.path("originalTopic").asText(),
                            d.path("records").asLong(), d.path("replayed").asLong(), d.path("pending").asLong()));
                    t.print(out());
                }
                return;
            }
            JsonNode inspection = client.get("/api/dlq/" + topic, Map.of("limit", Integer.toString(max)));
            if (printedJson(inspection)) {
                return;
            }
            Table t = new Table("DLQ OFFSET", "SOURCE", "GROUP", "ATTEMPTS", "REASON", "KEY", "VALUE");
            inspection.path("records").forEach(d -> t.row(
                    d.path("record").path("partition").asInt() + "@" + d.path("record").path("offset").asLong(),
                    d.path("source").asText("-"), d.path("groupId").asText("-"), d.path("attempts").asText("-"),
                    reason(d), d.path("record").path("key").asText("-"),
                    d.path("record").path("value").asText()));
            t.print(out());
            out().println(inspection.path("pending").asLong() + " record(s) not yet replayed");
        }
    }

    /** The failure as {@code class: reason}, or the reason alone when no exception was recorded. */
    static String reason(JsonNode deadLetter) {
        String reason = deadLetter.path("reason").asText("-");
        return deadLetter.hasNonNull("exceptionClass") ? deadLetter.path("exceptionClass").asText() + ": " + reason : reason;
    }

    @Command(name = "replay", description = "Send dead-lettered records back to their original topic, in batches,"
            + " resuming after the last replayed one.")
    static final class Replay extends AdminCommand {
        @Parameters(index = "0", paramLabel = "TOPIC", description = "orders or orders.dlq")
        String topic;

        @Option(names = "--batch-size", defaultValue = "500", description = "Records per request (default 500).")
        int batchSize;

        @Option(names = "--from-offset", description = "Replay again from this offset (in every partition).")
        Long fromOffset;

        @Option(names = "--max", description = "Stop after this many records (default: all pending).")
        Long max;

        @Override
        void run(AdminClient client) {
            long total = 0;
            boolean first = true;
            long skipped = 0;
            while (max == null || total < max) {
                ObjectNode body = Json.MAPPER.createObjectNode()
                        .put("limit", (int) Math.min(batchSize, max == null ? batchSize : max - total));
                if (first && fromOffset != null) {
                    body.put("fromOffset", fromOffset);
                }
                first = false;
                JsonNode r = client.call("POST", "/api/dlq/" + topic + "/replay", Map.of(), body);
                int replayed = r.path("replayed").asInt();
                int skippedNow = r.path("skipped").asInt();
                total += replayed;
                skipped += skippedNow;
                long remaining = r.path("remaining").asLong();
                err().println("replayed " + total + " record(s), " + remaining + " remaining");
                err().flush();
                if (replayed + skippedNow == 0 || remaining == 0) {
                    break;
                }
            }
            out().println("Replayed " + total + " record(s) from " + (topic.endsWith(".dlq") ? topic : topic + ".dlq")
                    + (skipped > 0 ? "; skipped " + skipped + " a source could not read (fix the source data and"
                    + " ingest it again)" : ""));
        }
    }
}
