package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.Header;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownGroupException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Produces records to a topic and reads them back: from an offset, the beginning, the most recent ones (the
 * console's viewer) or a consumer group's committed position (committing what it returns). Each read uses its own
 * short-lived consumer, so calls are independent. Thread-safe.
 */
public final class RecordOperations {

    static final int MAX_LIMIT = 10_000;
    /** Longest a read waits for records: each waiting read holds one of the admin server's few threads. */
    static final long MAX_WAIT_MS = 60_000;
    private static final long SEND_TIMEOUT_SECONDS = 60;

    /** Where each produced record landed. */
    public record ProduceResult(String topic, int count, List<RecordMetadata> records) { }

    /**
     * Records read, in partition order, and per partition the offset to read next; {@code committed} is true when a
     * group's offsets were moved past them.
     */
    public record ReadResult(String topic, List<RecordView> records, Map<Integer, Long> nextOffsets, String group,
                             boolean committed) { }

    private final Bus bus;

    public RecordOperations(Bus bus) {
        this.bus = bus;
    }

    /**
     * Body: {@code {"records": [{"key": "k", "value": "v", "headers": {"h": "x"}, "partition": 0}]}}; a value that is
     * a JSON object or array is sent as its JSON text. Returns once every record is durable.
     */
    /** The body of a produce call; only these fields are accepted (a value may be any JSON). */
    record ProduceRequest(List<ProducedRecord> records) { }

    record ProducedRecord(String key, JsonNode value, Map<String, String> headers, Integer partition, Long timestamp) { }

    public ProduceResult produce(String topic, JsonNode body) {
        RequestBodies.read(body, ProduceRequest.class); // refuses unknown fields and wrong types, naming the field
        JsonNode list = body.path("records");
        if (!list.isArray() || list.isEmpty()) {
            throw new InvalidRequestException("Field 'records' is missing or empty: send {\"records\": [{\"value\": \"...\"}]}");
        }
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (JsonNode r : list) {
            sent.add(bus.producer().send(topic, toRecord(r)));
        }
        List<RecordMetadata> out = new ArrayList<>();
        for (CompletableFuture<RecordMetadata> f : sent) {
            out.add(await(f, topic));
        }
        return new ProduceResult(topic, out.size(), out);
    }

    static RecordMetadata await(CompletableFuture<RecordMetadata> f, String topic) {
        try {
            return f.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("A record to '" + topic + "' was not acknowledged within "
                    + SEND_TIMEOUT_SECONDS + " s: check the data directory's disk");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for '" + topic + "' to acknowledge", e);
        }
    }

    private static BusRecord toRecord(JsonNode r) {
        List<Header> headers = new ArrayList<>();
        r.path("headers").fields().forEachRemaining(e -> headers.add(Header.of(e.getKey(), text(e.getValue()))));
        Integer partition = r.hasNonNull("partition") ? r.get("partition").asInt() : null;
        long timestamp = r.hasNonNull("timestamp") ? r.get("timestamp").asLong() : BusRecord.NO_TIMESTAMP;
        return new BusRecord(partition, bytes(text(r.get("key"))), bytes(text(r.get("value"))), headers, timestamp);
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Query: {@code partition} (default all), {@code from} ({@code recent} (default): the {@code limit} newest
     * records by timestamp across the partitions read;
     * {@code earliest}; {@code latest}: only new records, with {@code timeoutMs}), {@code offset} (overrides
     * {@code from}), {@code timestamp} (epoch ms: each partition from its first record at or after it; overrides
     * {@code from}), {@code group} (start at its committed offsets and commit past what is returned),
     * {@code limit} (default 100), {@code timeoutMs} (how long to wait for records when none are there yet, default 0).
     */
    public ReadResult read(String topic, ApiRequest q) {
        TopicDescription description = bus.admin().describeTopic(topic);
        int limit = q.queryInt("limit", 100, 1, MAX_LIMIT);
        long timeoutMs = q.queryLong("timeoutMs", 0L, 0);
        if (timeoutMs > MAX_WAIT_MS) {
            throw new InvalidRequestException("Parameter 'timeoutMs' = " + timeoutMs + " is too long: wait at most "
                    + MAX_WAIT_MS + " ms per call and call again");
        }
        Integer onlyPartition = q.queryInt("partition", null, 0, Integer.MAX_VALUE);
        String group = q.query("group", null);
        Long offset = q.queryLong("offset", null, 0);
        Long timestamp = q.queryLong("timestamp", null, 0);
        String from = q.query("from", "recent").toLowerCase(Locale.ROOT);
        if (group != null && (offset != null || timestamp != null || q.query().containsKey("from"))) {
            throw new InvalidRequestException("Read with 'group' starts at the group's committed offsets: drop 'offset',"
                    + " 'timestamp' and 'from', or reset the group's offsets first");
        }
        if (offset != null && timestamp != null) {
            throw new InvalidRequestException("Give either 'offset' or 'timestamp', not both: one says where to start");
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        Map<TopicPartition, Long> starts = new HashMap<>();
        for (TopicDescription.PartitionDescription p : description.partitions()) {
            if (onlyPartition == null || onlyPartition == p.partition()) {
                ends.put(new TopicPartition(topic, p.partition()), p.endOffset());
                starts.put(new TopicPartition(topic, p.partition()), p.startOffset());
            }
        }
        if (ends.isEmpty()) {
            throw new ResourceNotFoundException("Topic '" + topic + "' has no partition " + onlyPartition
                    + ": use 0.." + (description.partitions().size() - 1));
        }
        if (group != null) {
            requireNoMembers(group);
        }
        ConsumerConfig config = ConsumerConfig.builder().groupId(group).clientId("busbar-admin")
                .maxPollRecords(Math.min(limit, 500)).build();
        try (BusConsumer consumer = bus.consumer(config)) {
            consumer.assign(ends.keySet());
            if (group == null) {
                for (TopicPartition tp : ends.keySet()) {
                    Long at = timestamp == null ? offset : Long.valueOf(bus.admin().offsetForTimestamp(tp, timestamp));
                    consumer.seek(tp, startPosition(tp, from, at, limit, starts.get(tp), ends.get(tp)));
                }
            }
            Map<Integer, Long> next = new TreeMap<>();
            // "recent" reads each partition's last `limit` records, then keeps the newest `limit` of all partitions
            boolean recent = group == null && offset == null && timestamp == null && from.equals("recent");
            int pollLimit = recent ? (int) Math.min((long) limit * ends.size(), MAX_LIMIT * 10L) : limit;
            List<ConsumedRecord> records = poll(consumer, ends, pollLimit, timeoutMs, next);
            if (recent && records.size() > limit) {
                records = newest(records, limit);
            }
            Map<TopicPartition, CommittedOffset> commit = new HashMap<>();
            for (TopicPartition tp : ends.keySet()) {
                next.putIfAbsent(tp.partition(), consumer.position(tp));
            }
            for (ConsumedRecord r : records) {
                commit.put(r.topicPartition(), new CommittedOffset(r.offset() + 1));
            }
            if (group != null && !commit.isEmpty()) {
                consumer.commitSync(commit);
            }
            records.sort(Comparator.comparingInt(ConsumedRecord::partition).thenComparingLong(ConsumedRecord::offset));
            return new ReadResult(topic, records.stream().map(RecordView::of).toList(), next, group,
                    group != null && !commit.isEmpty());
        }
    }

    /** The {@code limit} records with the latest timestamps (ties: the higher offset is newer). */
    static List<ConsumedRecord> newest(List<ConsumedRecord> records, int limit) {
        List<ConsumedRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong(ConsumedRecord::timestamp).thenComparingLong(ConsumedRecord::offset)
                .reversed());
        return new ArrayList<>(sorted.subList(0, limit));
    }

    private static long startPosition(TopicPartition tp, String from, Long offset, int limit, long start, long end) {
        if (offset != null) {
            return Math.max(offset, start);
        }
        return switch (from) {
            case "earliest" -> start;
            case "latest" -> end;
            case "recent" -> Math.max(start, end - limit);
            default -> throw new InvalidRequestException("Parameter 'from' = '" + from
                    + "' is invalid: use recent, earliest or latest (or give 'offset')");
        };
    }

    /**
     * Polls until {@code limit} records, or every partition reached its end and the wait (if any) is over. Records
     * polled beyond the limit are dropped; {@code next} gets, for their partitions, the first dropped offset.
     */
    private static List<ConsumedRecord> poll(BusConsumer consumer, Map<TopicPartition, Long> ends, int limit,
                                             long timeoutMs, Map<Integer, Long> next) {
        List<ConsumedRecord> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (out.size() < limit) {
            boolean caughtUp = ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            long remaining = deadline - System.currentTimeMillis();
            if (caughtUp && (remaining <= 0 || !out.isEmpty())) {
                break;
            }
            List<ConsumedRecord> batch = consumer.poll(Duration.ofMillis(caughtUp ? Math.min(remaining, 200) : 200));
            for (ConsumedRecord r : batch) {
                if (out.size() < limit) {
                    out.add(r);
                    next.put(r.partition(), r.offset() + 1);
                } else {
                    next.merge(r.partition(), r.offset(), Math::min);
                }
            }
            if (batch.isEmpty() && caughtUp && System.currentTimeMillis() >= deadline) {
                break;
            }
        }
        return out;
    }

    private void requireNoMembers(String group) {
        try {
            GroupDescription d = bus.admin().describeGroup(group);
            if (!d.members().isEmpty()) {
                throw new ConflictException("Group '" + group + "' has " + d.members().size() + " live member(s): read"
                        + " with another group, or stop the pipeline that consumes with it first");
            }
        } catch (UnknownGroupException newGroup) {
            // a new group starts at the earliest offsets: nothing to check
            return;
        }
    }
}
