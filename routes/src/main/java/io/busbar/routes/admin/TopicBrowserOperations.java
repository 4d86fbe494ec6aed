package io.busbar.routes.admin;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a topic's records by key for the console's topic browser: the bus has no key index, so this scans the last
 * {@code scan} records of each partition (a bounded read with its own short-lived consumer, no group) and keeps the
 * newest {@code limit} whose key is exactly the one asked. Thread-safe; each call is independent.
 */
public final class TopicBrowserOperations {

    static final int DEFAULT_SCAN = 10_000;
    static final int MAX_SCAN = 1_000_000;
    /** Longest a search reads: it holds one of the admin server's few threads. */
    static final long MAX_SEARCH_MS = 10_000;

    /**
     * The matches, newest first; {@code scanned} records were read, and {@code complete} is false when a partition
     * holds records older than the scanned ones (raise {@code scan} to look further back) or the time ran out.
     */
    public record KeySearch(String topic, String key, List<RecordView> records, long scanned, boolean complete) { }

    private final Bus bus;

    public TopicBrowserOperations(Bus bus) {
        this.bus = bus;
    }

    /** Query: {@code key} (required), {@code partition} (default all), {@code limit} (default 20), {@code scan}. */
    public KeySearch findByKey(String topic, ApiRequest q) {
        String key = q.query("key", null);
        if (key == null) {
            throw new InvalidRequestException("Parameter 'key' is missing: give the record key to look for, e.g. ?key=order-42");
        }
        int limit = q.queryInt("limit", 20, 1, RecordOperations.MAX_LIMIT);
        int scan = q.queryInt("scan", DEFAULT_SCAN, 1, MAX_SCAN);
        Integer onlyPartition = q.queryInt("partition", null, 0, Integer.MAX_VALUE);
        TopicDescription description = bus.admin().describeTopic(topic);
        Map<TopicPartition, Long> ends = new HashMap<>();
        boolean complete = true;
        try (BusConsumer consumer = bus.consumer(ConsumerConfig.builder().clientId("busbar-admin-search")
                .maxPollRecords(2000).build())) {
            for (TopicDescription.PartitionDescription p : description.partitions()) {
                if (onlyPartition != null && onlyPartition != p.partition()) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic, p.partition());
                long from = Math.max(p.startOffset(), p.endOffset() - scan);
                complete &= from == p.startOffset();
                if (from < p.endOffset()) {
                    ends.put(tp, p.endOffset());
                }
            }
            if (onlyPartition != null && onlyPartition >= description.partitions().size()) {
                throw new ResourceNotFoundException("Topic '" + topic + "' has no partition " + onlyPartition
                        + ": use 0.." + (description.partitions().size() - 1));
            }
            if (ends.isEmpty()) {
                return new KeySearch(topic, key, List.of(), 0, complete);
            }
            consumer.assign(ends.keySet());
            for (TopicDescription.PartitionDescription p : description.partitions()) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                if (ends.containsKey(tp)) {
                    consumer.seek(tp, Math.max(p.startOffset(), p.endOffset() - scan));
                }
            }
            byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
            List<ConsumedRecord> matches = new ArrayList<>();
            long scanned = 0;
            long deadline = System.currentTimeMillis() + MAX_SEARCH_MS;
            while (!caughtUp(consumer, ends)) {
                if (System.currentTimeMillis() > deadline) {
                    complete = false;
                    break;
                }
                for (ConsumedRecord r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= ends.get(r.topicPartition())) {
                        continue; // appended after the search began
                    }
                    scanned++;
                    if (Arrays.equals(wanted, r.key())) {
                        matches.add(r);
                    }
                }
            }
            List<ConsumedRecord> newest = matches.size() > limit ? RecordOperations.newest(matches, limit)
                    : new ArrayList<>(matches);
            newest.sort(Comparator.comparingLong(ConsumedRecord::timestamp).thenComparingLong(ConsumedRecord::offset).reversed());
            return new KeySearch(topic, key, newest.stream().map(RecordView::of).toList(), scanned, complete);
        }
    }

    private static boolean caughtUp(BusConsumer consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
