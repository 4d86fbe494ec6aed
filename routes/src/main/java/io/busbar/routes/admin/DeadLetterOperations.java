package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusRecord;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.Header;
import io.busbar.bus.RecordMetadata;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownGroupException;
import io.busbar.connectors.bus.BusConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Dead-letter topics ({@code <topic>.dlq}, written by the {@code bus:} consumer with {@code bus.dlq.*} headers):
 * listing, inspection, and replay — each dead-letter record is sent back to its original topic (key, value and its
 * own headers, without the {@code bus.dlq.*} ones) addressed to the group that gave up on it: header
 * {@code bus.replay.group.id}, which every other group's {@code bus:} consumer skips, so only the failing pipeline
 * sees it again. Replay progress is kept as the committed offsets of the group
 * {@value #REPLAY_GROUP} on the dead-letter topic, committed only once the replayed records are durable: a replay
 * that stops half way resumes where it stopped and never replays a record twice unless asked ({@code fromOffset}).
 * Thread-safe: replays are serialised.
 */
public final class DeadLetterOperations {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterOperations.class);

    /** The group whose committed offsets on a dead-letter topic mark what was replayed. */
    public static final String REPLAY_GROUP = "busbar-dlq-replay";
    static final String SUFFIX = ".dlq";
    /** The reason header of a file source's dead letters written before they carried bus.dlq.* headers. */
    private static final String SOURCE_REASON_HEADER = "busbar.error.reason";

    public record DeadLetterTopic(String topic, String originalTopic, long records, long replayed, long pending) { }

    /**
     * A dead-letter record with what was recorded about its failure: {@code source} says where it came from
     * ({@code orders-2@41} for a record a pipeline failed on, {@code file orders.csv record 12} for one a source could
     * not read) and {@code reason} why it failed.
     */
    public record DeadLetter(RecordView record, String originalTopic, Integer originalPartition, Long originalOffset,
                             String exceptionClass, String exceptionMessage, Integer attempts, String groupId,
                             String source, String reason) { }

    public record Inspection(String topic, List<DeadLetter> records, long pending) { }

    /**
     * One replay call: how many records went back, how many were skipped (a source's dead letters: they never reached
     * the topic and no pipeline failed on them), how many remain after it, and the next offsets.
     */
    public record ReplayResult(String topic, int replayed, int skipped, long remaining, Map<String, Long> nextOffsets) { }

    private final Bus bus;
    private final Object replayLock = new Object();

    public DeadLetterOperations(Bus bus) {
        this.bus = bus;
    }

    static String deadLetterTopic(String topic) {
        return topic.endsWith(SUFFIX) ? topic : topic + SUFFIX;
    }

    public List<DeadLetterTopic> list() {
        List<DeadLetterTopic> out = new ArrayList<>();
        for (String name : new TreeSet<>(bus.admin().listTopics(false))) {
            if (name.endsWith(SUFFIX)) {
                Map<TopicPartition, Long> replayed = replayedOffsets(name);
                long records = 0;
                long pending = 0;
                long done = 0;
                for (TopicDescription.PartitionDescription p : bus.admin().describeTopic(name).partitions()) {
                    long at = Math.max(p.startOffset(), replayed.getOrDefault(new TopicPartition(name, p.partition()), 0L));
                    records += p.endOffset() - p.startOffset();
                    pending += p.endOffset() - at;
                    done += at - p.startOffset();
                }
                out.add(new DeadLetterTopic(name, name.substring(0, name.length() - SUFFIX.length()), records, done, pending));
            }
        }
        return out;
    }

    /** Query: {@code limit} (default 100), {@code from} / {@code offset} as for reading records. */
    public Inspection inspect(String topic, ApiRequest q) {
        String dlq = deadLetterTopic(topic);
        Map<String, String> query = new HashMap<>(q.query());
        query.putIfAbsent("from", "earliest");
        RecordOperations.ReadResult read = new RecordOperations(bus)
                .read(dlq, ApiRequest.of("GET", q.path(), query, null));
        List<DeadLetter> out = read.records().stream().map(DeadLetterOperations::deadLetter).toList();
        long pending = list().stream().filter(t -> t.topic().equals(dlq)).mapToLong(DeadLetterTopic::pending).sum();
        return new Inspection(dlq, out, pending);
    }

    private static DeadLetter deadLetter(RecordView r) {
        Map<String, String> h = new HashMap<>();
        r.headers().forEach(x -> h.put(x.key(), x.value()));
        String topic = h.get(BusConstants.DLQ_ORIGINAL_TOPIC);
        Integer partition = intOrNull(h.get(BusConstants.DLQ_ORIGINAL_PARTITION));
        Long offset = longOrNull(h.get(BusConstants.DLQ_ORIGINAL_OFFSET));
        String source = h.containsKey(BusConstants.DLQ_SOURCE) ? h.get(BusConstants.DLQ_SOURCE)
                : partition != null && offset != null ? topic + "-" + partition + "@" + offset : topic;
        String reason = h.getOrDefault(BusConstants.DLQ_REASON,
                h.getOrDefault(BusConstants.DLQ_EXCEPTION_MESSAGE, h.get(SOURCE_REASON_HEADER)));
        return new DeadLetter(r, topic, partition, offset, h.get(BusConstants.DLQ_EXCEPTION_CLASS),
                h.get(BusConstants.DLQ_EXCEPTION_MESSAGE), intOrNull(h.get(BusConstants.DLQ_ATTEMPTS)),
                h.get(BusConstants.DLQ_GROUP_ID), source, reason);
    }

    /**
     * Replays up to {@code limit} (default 500) not yet replayed records; body {@code {"limit": n, "fromOffset": n}}
     * ({@code fromOffset}: start there in every partition instead of after the last replay). Returns once the
     * replayed records are durable and the progress is committed.
     */
    /** The body of a replay; only these fields are accepted. */
    record ReplayRequest(Integer limit, Long fromOffset) { }

    public ReplayResult replay(String topic, JsonNode body) {
        String dlq = deadLetterTopic(topic);
        ReplayRequest request = RequestBodies.read(body, ReplayRequest.class);
        int limit = request.limit() == null ? 500 : request.limit();
        if (limit < 1 || limit > RecordOperations.MAX_LIMIT) {
            throw new InvalidRequestException("Replay 'limit' = " + limit + " is out of range: use 1.." + RecordOperations.MAX_LIMIT);
        }
        Long fromOffset = request.fromOffset();
        synchronized (replayLock) {
            TopicDescription d = bus.admin().describeTopic(dlq);
            Map<TopicPartition, Long> ends = new HashMap<>();
            d.partitions().forEach(p -> ends.put(new TopicPartition(dlq, p.partition()), p.endOffset()));
            ConsumerConfig config = ConsumerConfig.builder().groupId(REPLAY_GROUP).clientId("busbar-dlq-replay")
                    .maxPollRecords(Math.min(limit, 500)).build();
            try (BusConsumer consumer = bus.consumer(config)) {
                consumer.assign(ends.keySet());
                if (fromOffset != null) {
                    ends.keySet().forEach(tp -> consumer.seek(tp, fromOffset));
                }
                List<ConsumedRecord> batch = readUpTo(consumer, ends, limit);
                List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
                Map<TopicPartition, CommittedOffset> progress = new HashMap<>();
                int skipped = 0;
                for (ConsumedRecord r : batch) {
                    progress.put(r.topicPartition(), new CommittedOffset(r.offset() + 1));
                    if (isFromASource(r)) {
                        skipped++; // malformed input: sending it to the topic again would only fail again
                        continue;
                    }
                    sent.add(bus.producer().send(originalTopic(r, dlq), original(r)));
                }
                for (CompletableFuture<RecordMetadata> f : sent) {
                    RecordOperations.await(f, dlq);
                }
                if (!progress.isEmpty()) {
                    consumer.commitSync(progress);
                }
                Map<String, Long> next = new TreeMap<>();
                long remaining = 0;
                for (TopicPartition tp : ends.keySet()) {
                    long at = progress.containsKey(tp) ? progress.get(tp).offset() : consumer.position(tp);
                    next.put(tp.toString(), at);
                    remaining += Math.max(0, ends.get(tp) - at);
                }
                if (!batch.isEmpty()) {
                    LOG.info("Replayed {} record(s) of {} to their topics ({} skipped: a source's dead letters); {}"
                            + " remaining", batch.size() - skipped, dlq, skipped, remaining);
                }
                return new ReplayResult(dlq, batch.size() - skipped, skipped, remaining, next);
            }
        }
    }

    private static List<ConsumedRecord> readUpTo(BusConsumer consumer, Map<TopicPartition, Long> ends, int limit) {
        List<ConsumedRecord> out = new ArrayList<>();
        Map<TopicPartition, Long> firstDropped = new HashMap<>();
        while (out.size() < limit) {
            boolean caughtUp = ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            if (caughtUp) {
                break;
            }
            for (ConsumedRecord r : consumer.poll(Duration.ofMillis(200))) {
                if (out.size() < limit && !firstDropped.containsKey(r.topicPartition())) {
                    out.add(r);
                } else {
                    firstDropped.putIfAbsent(r.topicPartition(), r.offset());
                }
            }
        }
        return out;
    }

    /** A source's dead letter (e.g. a malformed file record): no pipeline group failed on it. */
    private static boolean isFromASource(ConsumedRecord r) {
        String group = RecordView.header(r, BusConstants.DLQ_GROUP_ID);
        return group == null || group.isBlank();
    }

    private static String originalTopic(ConsumedRecord r, String dlq) {
        String original = RecordView.header(r, BusConstants.DLQ_ORIGINAL_TOPIC);
        return original != null && !original.isBlank() ? original : dlq.substring(0, dlq.length() - SUFFIX.length());
    }

    /**
     * The record as it was before it failed (its own headers, none of the {@code bus.dlq.*} ones), addressed to the
     * group that gave up on it ({@code bus.replay.group.id}): the other groups' bus: consumers skip it.
     */
    static BusRecord original(ConsumedRecord r) {
        List<Header> headers = new ArrayList<>(r.headers().stream()
                .filter(h -> !h.key().startsWith("bus.dlq.") && !h.key().equals(BusConstants.REPLAY_GROUP_ID)).toList());
        String group = RecordView.header(r, BusConstants.DLQ_GROUP_ID);
        if (group != null && !group.isBlank()) {
            headers.add(Header.of(BusConstants.REPLAY_GROUP_ID, group));
        }
        return new BusRecord(null, r.key(), r.value(), headers, BusRecord.NO_TIMESTAMP);
    }

    private Map<TopicPartition, Long> replayedOffsets(String dlq) {
        Map<TopicPartition, Long> out = new HashMap<>();
        try {
            bus.admin().describeGroup(REPLAY_GROUP).offsets().stream()
                    .filter(o -> o.partition().topic().equals(dlq) && o.committedOffset() >= 0)
                    .forEach(o -> out.put(o.partition(), o.committedOffset()));
        } catch (UnknownGroupException neverReplayed) {
            return out;
        }
        return out;
    }

    private static Integer intOrNull(String s) {
        try {
            return s == null ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long longOrNull(String s) {
        try {
            return s == null ? null : Long.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
