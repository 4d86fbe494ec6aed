package io.busbar.bus.embedded;

import io.busbar.bus.BusRecord;
import io.busbar.bus.InvalidConfigException;
import org.apache.kafka.common.utils.Utils;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses partitions exactly as Kafka's default partitioner does for keyed records
 * ({@code toPositive(murmur2(key)) % partitions}, so a key lands on the same partition number as on Kafka),
 * and stickily for unkeyed ones: all unkeyed records of a topic go to one partition until about
 * {@link #STICKY_BYTES} have been sent there, then to another, so batches fill up. Thread-safe.
 */
final class Partitioner {
    static final long STICKY_BYTES = 16 * 1024;

    private record Sticky(int partition, AtomicLong bytes) { }

    private final ConcurrentHashMap<String, Sticky> sticky = new ConcurrentHashMap<>();

    int partition(String topic, BusRecord record, int partitions) {
        if (record.partition() != null) {
            int p = record.partition();
            if (p >= partitions) {
                throw new InvalidConfigException("Partition " + p + " of topic '" + topic + "' does not exist: the topic has "
                        + partitions + " partitions (0.." + (partitions - 1) + ")");
            }
            return p;
        }
        if (record.key() != null) {
            return Utils.toPositive(Utils.murmur2(record.key())) % partitions;
        }
        return stickyPartition(topic, partitions, record.value() == null ? 0 : record.value().length);
    }

    private int stickyPartition(String topic, int partitions, int size) {
        Sticky current = sticky.get(topic);
        if (current == null || current.partition >= partitions || current.bytes.addAndGet(size + 16) > STICKY_BYTES) {
            Sticky next = new Sticky(ThreadLocalRandom.current().nextInt(partitions), new AtomicLong());
            if (current == null ? sticky.putIfAbsent(topic, next) == null : sticky.replace(topic, current, next)) {
                return next.partition;
            }
            return sticky.get(topic).partition;
        }
        return current.partition;
    }
}
