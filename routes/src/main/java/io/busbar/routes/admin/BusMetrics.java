package io.busbar.routes.admin;

import io.busbar.bus.BusAdmin;
import io.busbar.bus.GroupDescription;
import io.busbar.bus.GroupListing;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.UnknownGroupException;
import io.busbar.bus.UnknownTopicException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the bus (topics, groups) and the data directory into Micrometer meters and into {@link MetricsHistory}
 * for the console's charts. Per-topic figures come from offsets and sizes: records in = the sum of end offsets;
 * records out = every forward move of a group's committed offset, summed (a reset backwards moves no counter back,
 * so the counter never goes down: records consumed again after a reset count again); bytes in = growth of the
 * topic's log on disk (record batches, as stored). Internal groups (the dead-letter replay group) are left out of
 * lag and records out: they are not a consumer an operator runs. {@link #sample()} is called by one thread; meters
 * are read by any.
 */
public final class BusMetrics {

    /** A topic's latest figures; read by the meters' functions. */
    static final class TopicFigures {
        volatile long recordsIn;
        volatile long recordsHeld;
        volatile long recordsOut;
        volatile long sizeBytes;
        volatile long bytesIn;
        final List<Meter> meters = new ArrayList<>();
    }

    /** Groups of Busbar's own making, not reported as consumers. */
    static boolean isInternalGroup(String groupId) {
        return groupId.equals(DeadLetterOperations.REPLAY_GROUP);
    }

    private final BusAdmin admin;
    private final MeterRegistry registry;
    private final Path dataDir;
    private final PipelineEvents pipelines;
    private final MetricsHistory history;
    private final Map<String, TopicFigures> topics = new ConcurrentHashMap<>();
    private final MultiGauge groupLag;
    private final AtomicLong dataDirBytes = new AtomicLong();
    /** Last committed offset seen per group, topic and partition: records out counts only forward moves. */
    private final Map<String, Map<TopicPartition, Long>> lastCommitted = new HashMap<>();

    public BusMetrics(BusAdmin admin, MeterRegistry registry, Path dataDir, PipelineEvents pipelines,
                      MetricsHistory history) {
        this.admin = admin;
        this.registry = registry;
        this.dataDir = dataDir;
        this.pipelines = pipelines;
        this.history = history;
        this.groupLag = MultiGauge.builder("busbar.group.lag")
                .description("Records of a partition not yet committed by the group (end offset - committed)")
                .register(registry);
        Gauge.builder("busbar.data.dir.size.bytes", dataDirBytes, AtomicLong::get).baseUnit("bytes")
                .description("Bytes of every file under the bus's data directory").register(registry);
    }

    /** Takes one sample of everything. */
    public void sample() {
        Map<String, TopicDescription> described = new HashMap<>();
        for (String name : admin.listTopics(false)) {
            try {
                described.put(name, admin.describeTopic(name));
            } catch (UnknownTopicException deletedMeanwhile) {
                // deleted between list and describe: dropped below like any deleted topic
                continue;
            }
        }
        Map<String, Long> committedPerTopic = new HashMap<>();
        Map<String, Long> lagPerGroup = new HashMap<>();
        Map<String, Long> committedPerGroup = new HashMap<>();
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        Map<String, Map<TopicPartition, Long>> seenGroups = new HashMap<>();
        for (GroupListing g : admin.listGroups()) {
            if (isInternalGroup(g.groupId())) {
                continue;
            }
            try {
                GroupDescription d = admin.describeGroup(g.groupId());
                Map<TopicPartition, Long> last = lastCommitted.getOrDefault(g.groupId(), Map.of());
                Map<TopicPartition, Long> seen = seenGroups.computeIfAbsent(g.groupId(), k -> new HashMap<>());
                long total = 0;
                for (GroupDescription.PartitionOffsets o : d.offsets()) {
                    total += o.lag();
                    if (o.committedOffset() >= 0) {
                        long moved = o.committedOffset() - last.getOrDefault(o.partition(), 0L);
                        if (moved > 0) {
                            committedPerTopic.merge(o.partition().topic(), moved, Long::sum);
                        }
                        seen.put(o.partition(), o.committedOffset());
                    }
                    lagRows.add(MultiGauge.Row.of(Tags.of("group", g.groupId(), "topic", o.partition().topic(),
                            "partition", Integer.toString(o.partition().partition())), o.lag()));
                }
                lagPerGroup.put(g.groupId(), total);
                committedPerGroup.put(g.groupId(), seen.values().stream().mapToLong(Long::longValue).sum());
            } catch (UnknownGroupException deletedMeanwhile) {
                // deleted between list and describe: it has no lag to report
                continue;
            }
        }
        lastCommitted.clear();
        lastCommitted.putAll(seenGroups);
        groupLag.register(lagRows, true);
        Map<String, MetricsHistory.TopicPoint> topicPoints = new HashMap<>();
        described.forEach((name, d) -> {
            TopicFigures f = topics.computeIfAbsent(name, this::register);
            update(f, d, committedPerTopic.getOrDefault(name, 0L));
            topicPoints.put(name, new MetricsHistory.TopicPoint(f.recordsIn, f.recordsOut, f.sizeBytes));
        });
        topics.keySet().removeIf(name -> {
            if (described.containsKey(name)) {
                return false;
            }
            topics.get(name).meters.forEach(registry::remove);
            return true;
        });
        pipelines.sampleRates();
        dataDirBytes.set(sizeOf(dataDir));
        history.add(topicPoints, lagPerGroup, committedPerGroup, pipelines);
    }

    private static void update(TopicFigures f, TopicDescription d, long consumedSinceLastSample) {
        long end = 0;
        long held = 0;
        long size = 0;
        for (TopicDescription.PartitionDescription p : d.partitions()) {
            end += p.endOffset();
            held += p.endOffset() - p.startOffset();
            size += p.sizeBytes();
        }
        long grown = size - f.sizeBytes;
        if (grown > 0) {
            f.bytesIn += grown;
        }
        f.recordsIn = end;
        f.recordsHeld = held;
        f.recordsOut += consumedSinceLastSample;
        f.sizeBytes = size;
    }

    private TopicFigures register(String topic) {
        TopicFigures f = new TopicFigures();
        f.meters.add(FunctionCounter.builder("busbar.topic.records.in", f, x -> x.recordsIn).tag("topic", topic)
                .description("Records appended to the topic (sum of its partitions' end offsets)").register(registry));
        f.meters.add(FunctionCounter.builder("busbar.topic.records.out", f, x -> x.recordsOut).tag("topic", topic)
                .description("Records consumed and committed, summed over every group (forward moves only)")
                .register(registry));
        // "busbar.topic.in" + unit bytes: Prometheus names it busbar_topic_in_bytes_total (the unit said once)
        f.meters.add(FunctionCounter.builder("busbar.topic.in", f, x -> x.bytesIn).tag("topic", topic)
                .baseUnit("bytes").description("Bytes appended to the topic's log on disk (growth, as stored)")
                .register(registry));
        f.meters.add(Gauge.builder("busbar.topic.size.bytes", f, x -> x.sizeBytes).tag("topic", topic)
                .baseUnit("bytes").description("Bytes of the topic's log on disk").register(registry));
        f.meters.add(Gauge.builder("busbar.topic.records", f, x -> x.recordsHeld).tag("topic", topic)
                .description("Records held (end - start offset, summed)").register(registry));
        return f;
    }

    static long sizeOf(Path dir) {
        AtomicLong total = new AtomicLong();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total.addAndGet(attrs.size());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // a segment deleted by retention while we walked
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot measure data directory " + dir, e);
        }
        return total.get();
    }
}
