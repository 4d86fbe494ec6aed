package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.routes.admin.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code busbar produce TOPIC}: one record per line of stdin or {@code --file}, sent in batches; each batch is
 * acknowledged only once durable, so a line reported as produced is on disk.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send one record per line of stdin (or --file) to a topic; empty lines are skipped.")
public final class ProduceCommand extends AdminCommand {

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Option(names = "--file", paramLabel = "FILE", description = "Read lines from this file instead of stdin.")
    Path file;

    @Option(names = "--key", description = "Key of every record (default none: spread over partitions).")
    String key;

    @Option(names = "--key-separator", paramLabel = "SEP",
            description = "Each line is KEY<SEP>VALUE, e.g. --key-separator ':' for 'customer-1:{...}'.")
    String keySeparator;

    @Option(names = "--header", paramLabel = "NAME=VALUE", description = "A header on every record. Repeatable.")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--partition", paramLabel = "N", description = "Send every record to this partition.")
    Integer partition;

    @Option(names = "--batch-size", defaultValue = "500", description = "Records per request (default 500).")
    int batchSize;

    @Override
    void run(AdminClient client) {
        if (batchSize < 1) {
            throw new AdminCallException(0, "--batch-size must be at least 1");
        }
        long sent = 0;
        TreeSet<Integer> partitions = new TreeSet<>();
        try (BufferedReader in = file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            ArrayNode batch = Json.MAPPER.createArrayNode();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                batch.add(record(line));
                if (batch.size() >= batchSize) {
                    sent += send(client, batch, partitions);
                    err().println("produced " + sent + " record(s)...");
                    err().flush();
                    batch = Json.MAPPER.createArrayNode();
                }
            }
            if (!batch.isEmpty()) {
                sent += send(client, batch, partitions);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + (file != null ? file : "stdin"), e);
        }
        out().println("Produced " + sent + " record(s) to " + topic + (partitions.isEmpty() ? "" : " (partitions " + partitions + ")"));
    }

    private ObjectNode record(String line) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        String value = line;
        String k = key;
        if (keySeparator != null) {
            int at = line.indexOf(keySeparator);
            if (at >= 0) {
                k = line.substring(0, at);
                value = line.substring(at + keySeparator.length());
            }
        }
        if (k != null) {
            r.put("key", k);
        }
        r.put("value", value);
        if (partition != null) {
            r.put("partition", partition);
        }
        if (!headers.isEmpty()) {
            ObjectNode h = r.putObject("headers");
            headers.forEach(h::put);
        }
        return r;
    }

    private int send(AdminClient client, ArrayNode batch, TreeSet<Integer> partitions) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("records", batch);
        JsonNode result = client.call("POST", "/api/topics/" + topic + "/records", Map.of(), body);
        result.path("records").forEach(m -> partitions.add(m.path("partition").asInt()));
        return result.path("count").asInt();
    }
}
