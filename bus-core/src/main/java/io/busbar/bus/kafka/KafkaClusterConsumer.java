package io.busbar.bus.kafka;

import io.busbar.bus.BusConsumer;
import io.busbar.bus.CommittedOffset;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import io.busbar.bus.RebalanceListener;
import io.busbar.bus.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The bus consumer on a Kafka cluster: a thin adapter over KafkaConsumer, translating types and errors. As the
 * embedded consumer, {@link #poll} returns an empty list (rather than throwing) after {@link #wakeup()}.
 *
 * <p>Not thread-safe (one thread), except {@link #wakeup()}.
 */
final class KafkaClusterConsumer implements BusConsumer {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicAutoCreator topics;

    KafkaClusterConsumer(KafkaConsumer<byte[], byte[]> consumer, TopicAutoCreator topics) {
        this.consumer = consumer;
        this.topics = topics;
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        consumer.assign(toKafka(partitions));
    }

    @Override
    public void subscribe(Collection<String> topicNames, RebalanceListener listener) {
        topicNames.forEach(topics::ensure);
        consumer.subscribe(topicNames, adapt(listener));
    }

    @Override
    public void subscribe(Pattern pattern, RebalanceListener listener) {
        consumer.subscribe(pattern, adapt(listener));
    }

    @Override
    public void unsubscribe() {
        consumer.unsubscribe();
    }

    @Override
    public Set<TopicPartition> assignment() {
        return fromKafka(consumer.assignment());
    }

    @Override
    public List<ConsumedRecord> poll(Duration timeout) {
        try {
            List<ConsumedRecord> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                List<Header> headers = new ArrayList<>();
                r.headers().forEach(h -> headers.add(new Header(h.key(), h.value())));
                out.add(new ConsumedRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers));
            }
            return out;
        } catch (WakeupException e) {
            return List.of();
        } catch (RuntimeException e) {
            throw KafkaErrors.translate(e);
        }
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        consumer.seek(toKafka(partition), offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        consumer.seekToBeginning(toKafka(partitions));
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        consumer.seekToEnd(toKafka(partitions));
    }

    @Override
    public long position(TopicPartition partition) {
        try {
            return consumer.position(toKafka(partition));
        } catch (RuntimeException e) {
            throw KafkaErrors.translate(e);
        }
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        consumer.pause(toKafka(partitions));
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        consumer.resume(toKafka(partitions));
    }

    @Override
    public Set<TopicPartition> paused() {
        return fromKafka(consumer.paused());
    }

    @Override
    public void commitSync() {
        try {
            consumer.commitSync();
        } catch (RuntimeException e) {
            throw KafkaErrors.translate(e);
        }
    }

    @Override
    public void commitSync(Map<TopicPartition, CommittedOffset> offsets) {
        try {
            consumer.commitSync(toKafka(offsets));
        } catch (RuntimeException e) {
            throw KafkaErrors.translate(e);
        }
    }

    @Override
    public void commitAsync(Map<TopicPartition, CommittedOffset> offsets,
                            BiConsumer<Map<TopicPartition, CommittedOffset>, Throwable> callback) {
        consumer.commitAsync(toKafka(offsets), (committed, error) -> {
            if (callback != null) {
                callback.accept(offsets, error == null ? null : KafkaErrors.translate(error));
            }
        });
    }

    @Override
    public Map<TopicPartition, CommittedOffset> committed(Set<TopicPartition> partitions) {
        Map<TopicPartition, CommittedOffset> out = new HashMap<>();
        consumer.committed(toKafka(partitions)).forEach((tp, om) -> {
            if (om != null) {
                out.put(fromKafka(tp), new CommittedOffset(om.offset(), om.metadata()));
            }
        });
        return out;
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }

    private static ConsumerRebalanceListener adapt(RebalanceListener listener) {
        RebalanceListener l = listener == null ? RebalanceListener.NONE : listener;
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                l.onPartitionsRevoked(fromKafka(partitions));
            }

            @Override
            public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                l.onPartitionsAssigned(fromKafka(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                l.onPartitionsLost(fromKafka(partitions));
            }
        };
    }

    static org.apache.kafka.common.TopicPartition toKafka(TopicPartition tp) {
        return new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
    }

    static TopicPartition fromKafka(org.apache.kafka.common.TopicPartition tp) {
        return new TopicPartition(tp.topic(), tp.partition());
    }

    static Set<org.apache.kafka.common.TopicPartition> toKafka(Collection<TopicPartition> partitions) {
        return partitions.stream().map(KafkaClusterConsumer::toKafka).collect(Collectors.toSet());
    }

    static Set<TopicPartition> fromKafka(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        return partitions.stream().map(KafkaClusterConsumer::fromKafka).collect(Collectors.toSet());
    }

    private static Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> toKafka(Map<TopicPartition, CommittedOffset> offsets) {
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        offsets.forEach((tp, o) -> out.put(toKafka(tp), new OffsetAndMetadata(o.offset(), o.metadata())));
        return out;
    }
}
