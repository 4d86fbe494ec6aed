package io.busbar.bus.embedded;

import io.busbar.bus.Bus;
import io.busbar.bus.BusAdmin;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusConsumer;
import io.busbar.bus.BusProducer;
import io.busbar.bus.ConsumerConfig;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.group.GroupCoordinator;
import io.busbar.bus.log.PartitionLog;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * The bus embedded in this JVM, on one data directory. Besides the {@link Bus} API it exposes the lower layers
 * (partition logs, topic metadata, the group coordinator) to the Kafka wire listener.
 * (Skeleton: the implementation is landing; signatures are stable.)
 */
public final class EmbeddedBus implements Bus {

    public static EmbeddedBus open(BusConfig config) {
        throw new UnsupportedOperationException("EmbeddedBus is being implemented");
    }

    public BusConfig config() { throw new UnsupportedOperationException(); }

    /** All topics, internal ones included. */
    public Collection<TopicMetadata> topics() { throw new UnsupportedOperationException(); }

    public Optional<TopicMetadata> topic(String name) { throw new UnsupportedOperationException(); }

    public Optional<TopicMetadata> topicById(UUID topicId) { throw new UnsupportedOperationException(); }

    /** Creates the topic when absent and auto-creation is on; throws UnknownTopicException otherwise. */
    public TopicMetadata topicForProduce(String name) { throw new UnsupportedOperationException(); }

    /** @throws io.busbar.bus.UnknownTopicException when the topic or partition does not exist */
    public PartitionLog partitionLog(TopicPartition partition) { throw new UnsupportedOperationException(); }

    public GroupCoordinator groupCoordinator() { throw new UnsupportedOperationException(); }

    @Override
    public BusProducer producer() { throw new UnsupportedOperationException(); }

    @Override
    public BusConsumer consumer(ConsumerConfig config) { throw new UnsupportedOperationException(); }

    @Override
    public BusAdmin admin() { throw new UnsupportedOperationException(); }

    @Override
    public void close() { }
}
