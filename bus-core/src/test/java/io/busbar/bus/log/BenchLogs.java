package io.busbar.bus.log;

import io.busbar.bus.Durability;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Temporary logs for the JMH benchmarks (under {@code busbar.bench.dir}, default the system temp directory). */
final class BenchLogs {
    static final TopicPartition PARTITION = new TopicPartition("bench", 0);
    static final TopicConfig CONFIG = TopicConfig.DEFAULT.with(Map.of(TopicConfig.SEGMENT_BYTES, String.valueOf(256 << 20)));

    private BenchLogs() {
    }

    static Path newDirectory() {
        try {
            Path parent = Path.of(System.getProperty("busbar.bench.dir", System.getProperty("java.io.tmpdir")));
            return Files.createTempDirectory(parent, "busbar-log-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SegmentedLog open(Path dir, Durability durability) {
        return open(dir, durability, LogOptions.DEFAULT_PREALLOCATE_BYTES);
    }

    static SegmentedLog open(Path dir, Durability durability, int preallocateBytes) {
        return (SegmentedLog) PartitionLogs.open(dir.resolve("bench-0"), PARTITION, CONFIG,
                LogOptions.DEFAULT.withDurability(durability).withFlushIntervalMs(1000)
                        .withPreallocateBytes(preallocateBytes));
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
