package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.BusAdmin;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.UnknownTopicException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Topic listing, description, creation and deletion over {@link BusAdmin}. Thread-safe (the admin is). */
public final class TopicOperations {

    /** A topic as listed: partitions, records held (end - start, summed) and bytes on disk. */
    public record TopicSummary(String name, boolean internal, int partitions, long records, long endOffset,
                               long sizeBytes) {

        static TopicSummary of(TopicDescription d) {
            long records = 0;
            long end = 0;
            long size = 0;
            for (TopicDescription.PartitionDescription p : d.partitions()) {
                records += p.endOffset() - p.startOffset();
                end += p.endOffset();
                size += p.sizeBytes();
            }
            return new TopicSummary(d.name(), d.internal(), d.partitions().size(), records, end, size);
        }
    }

    /** A topic in full: id, settings and per-partition offsets. */
    public record TopicDetails(String name, String topicId, boolean internal, List<PartitionDetails> partitions,
                               Map<String, String> config, long records, long sizeBytes) { }

    public record PartitionDetails(int partition, long startOffset, long endOffset, long records, long sizeBytes) { }

    private final BusAdmin admin;

    public TopicOperations(BusAdmin admin) {
        this.admin = admin;
    }

    public List<TopicSummary> list(boolean includeInternal) {
        List<TopicSummary> out = new ArrayList<>();
        for (String name : new TreeSet<>(admin.listTopics(includeInternal))) {
            try {
                out.add(TopicSummary.of(admin.describeTopic(name)));
            } catch (UnknownTopicException deletedMeanwhile) {
                // listed, then deleted before we described it: it is simply no longer there
                continue;
            }
        }
        return out;
    }

    public TopicDetails describe(String name) {
        TopicDescription d = admin.describeTopic(name);
        List<PartitionDetails> partitions = d.partitions().stream()
                .map(p -> new PartitionDetails(p.partition(), p.startOffset(), p.endOffset(),
                        p.endOffset() - p.startOffset(), p.sizeBytes()))
                .toList();
        TopicSummary s = TopicSummary.of(d);
        return new TopicDetails(d.name(), String.valueOf(d.topicId()), d.internal(), partitions,
                new TreeMap<>(d.config()), s.records(), s.sizeBytes());
    }

    /** The body of a topic creation; only these fields are accepted. */
    record CreateTopicRequest(String name, Integer partitions, Map<String, String> config) { }

    /** Body: {@code {"name": "orders", "partitions": 3, "config": {"retention.ms": "86400000"}}}. */
    public TopicDetails create(JsonNode body) {
        CreateTopicRequest request = RequestBodies.read(body, CreateTopicRequest.class);
        String name = request.name();
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("Field 'name' (the topic's name) is missing in the request body:"
                    + " send JSON with \"name\"");
        }
        int partitions = request.partitions() == null ? 1 : request.partitions();
        if (partitions < 1) {
            throw new InvalidRequestException("Topic '" + name + "': partitions = " + partitions + " is invalid: use at least 1");
        }
        Map<String, String> config = new TreeMap<>(request.config() == null ? Map.of() : request.config());
        admin.createTopic(name, partitions, config);
        return describe(name);
    }

    public void delete(String name) {
        admin.deleteTopic(name);
    }
}
