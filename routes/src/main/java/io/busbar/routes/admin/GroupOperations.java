package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.BusAdmin;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.OffsetSpec;
import io.busbar.bus.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Consumer group listing, description with lag, offset reset and deletion over {@link BusAdmin}. Thread-safe. */
public final class GroupOperations {

    /** A group as listed, with its total lag over every partition it has offsets for. */
    public record GroupSummary(String groupId, String state, String protocolType, int members, long lag) { }

    public record GroupDetails(String groupId, String state, String protocolType, String protocol, int generation,
                               List<MemberView> members, List<PartitionLag> partitions, long lag) { }

    public record MemberView(String memberId, String clientId, String host, List<String> assignment) { }

    public record PartitionLag(String topic, int partition, long committedOffset, long endOffset, long lag) { }

    /**
     * Offsets after a reset, as {@code topic-partition → offset}, and per partition where the group was and where it
     * goes; with {@code dryRun} nothing moved (the preview the console shows before applying).
     */
    public record ResetResult(String groupId, Map<String, Long> offsets, boolean dryRun, List<OffsetMove> partitions) { }

    /** One partition of a reset: {@code currentOffset} is null when the group has no offset there yet. */
    public record OffsetMove(String topic, int partition, Long currentOffset, long newOffset, long endOffset) { }

    private final BusAdmin admin;

    public GroupOperations(BusAdmin admin) {
        this.admin = admin;
    }

    public List<GroupSummary> list() {
        List<GroupSummary> out = new ArrayList<>();
        for (GroupListing g : admin.listGroups()) {
            GroupDetails d = describe(g.groupId());
            out.add(new GroupSummary(g.groupId(), g.state(), g.protocolType(), d.members().size(), d.lag()));
        }
        out.sort(Comparator.comparing(GroupSummary::groupId));
        return out;
    }

    public GroupDetails describe(String groupId) {
        GroupDescription d = admin.describeGroup(groupId);
        List<MemberView> members = d.members().stream()
                .map(m -> new MemberView(m.memberId(), m.clientId(), m.host(),
                        m.assignment().stream().map(TopicPartition::toString).sorted().toList()))
                .toList();
        List<PartitionLag> partitions = d.offsets().stream()
                .sorted(Comparator.comparing(GroupDescription.PartitionOffsets::partition))
                .map(o -> new PartitionLag(o.partition().topic(), o.partition().partition(), o.committedOffset(),
                        o.endOffset(), o.lag()))
                .toList();
        long lag = partitions.stream().mapToLong(PartitionLag::lag).sum();
        return new GroupDetails(d.groupId(), d.state(), d.protocolType(), d.protocol(), d.generation(), members,
                partitions, lag);
    }

    /** The body of an offset reset; only these fields are accepted. */
    record ResetRequest(String topic, List<Integer> partitions, String to, Long value, Boolean dryRun) { }

    /**
     * Body: {@code {"topic": "orders", "partitions": [0, 1], "to": "earliest|latest|timestamp|offset", "value": n,
     * "dryRun": true}}. Without partitions, every partition of the topic. Refused while the group has members (stop
     * its pipeline first), except as a dry run, which only computes the new offsets.
     */
    public ResetResult resetOffsets(String groupId, JsonNode body) {
        RequestBodies.read(body, ResetRequest.class); // refuses unknown fields and wrong types, naming the field
        String topic = Json.requiredText(body, "topic", "the topic whose offsets move");
        Set<TopicPartition> partitions = new HashSet<>();
        if (body.path("partitions").isArray() && !body.path("partitions").isEmpty()) {
            body.path("partitions").forEach(p -> partitions.add(new TopicPartition(topic, p.asInt())));
        } else {
            admin.describeTopic(topic).partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        OffsetSpec target = offsetSpec(body);
        boolean dryRun = body.path("dryRun").asBoolean(false);
        Map<TopicPartition, Long> current = committed(groupId);
        Map<TopicPartition, OffsetMove> preview = OffsetResetPreview.of(admin, partitions, target, current);
        Map<TopicPartition, Long> moved = new HashMap<>();
        if (dryRun) {
            preview.forEach((tp, m) -> moved.put(tp, m.newOffset()));
        } else {
            moved.putAll(admin.resetGroupOffsets(groupId, partitions, target));
        }
        Map<String, Long> offsets = new TreeMap<>();
        moved.forEach((tp, o) -> offsets.put(tp.toString(), o));
        List<OffsetMove> moves = preview.entrySet().stream()
                .map(e -> new OffsetMove(e.getValue().topic(), e.getValue().partition(), e.getValue().currentOffset(),
                        moved.getOrDefault(e.getKey(), e.getValue().newOffset()), e.getValue().endOffset()))
                .sorted(Comparator.comparing(OffsetMove::topic).thenComparingInt(OffsetMove::partition))
                .toList();
        return new ResetResult(groupId, offsets, dryRun, moves);
    }

    private Map<TopicPartition, Long> committed(String groupId) {
        Map<TopicPartition, Long> out = new HashMap<>();
        try {
            admin.describeGroup(groupId).offsets().forEach(o -> {
                if (o.committedOffset() >= 0) {
                    out.put(o.partition(), o.committedOffset());
                }
            });
        } catch (io.busbar.bus.UnknownGroupException newGroup) {
            // a reset may create the group: it has no offsets yet
            return out;
        }
        return out;
    }

    private static OffsetSpec offsetSpec(JsonNode body) {
        String to = Json.requiredText(body, "to", "earliest, latest, timestamp or offset").toLowerCase(Locale.ROOT);
        return switch (to) {
            case "earliest" -> OffsetSpec.earliest();
            case "latest" -> OffsetSpec.latest();
            case "timestamp" -> OffsetSpec.forTimestamp(requiredLong(body, "value", "epoch milliseconds"));
            case "offset" -> OffsetSpec.explicit(requiredLong(body, "value", "the offset"));
            default -> throw new InvalidRequestException("Reset target 'to' = '" + to
                    + "' is invalid: use earliest, latest, timestamp (with value) or offset (with value)");
        };
    }

    private static long requiredLong(JsonNode body, String field, String what) {
        JsonNode v = body.path(field);
        if (!v.canConvertToLong()) {
            throw new InvalidRequestException("Field '" + field + "' (" + what + ") must be an integer for this reset");
        }
        return v.asLong();
    }

    public void delete(String groupId) {
        admin.deleteGroup(groupId);
    }
}
