package io.busbar.connectors.position;

import io.busbar.bus.Bus;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Positions on a real Kafka broker: the bus creates {@value PositionStore#TOPIC} (compacted, one partition) when it
 * connects, and a second instance (another Busbar runtime) reads what the first stored, which is what lets a source
 * resume on another instance.
 */
class PositionStoreKafkaTest {

    @Test
    void anotherInstanceReadsThePositionsTheFirstStoredInTheCompactedTopic() throws Exception {
        String bootstrap = KafkaBrokerProcess.shared().bootstrapServers();
        String id = "file-source:" + UUID.randomUUID();
        try (Bus first = Bus.kafka(KafkaBusConfig.of(bootstrap)); Bus second = Bus.kafka(KafkaBusConfig.of(bootstrap));
             PositionStore writer = new PositionStore(first); PositionStore reader = new PositionStore(second)) {
            writer.save(id, "{\"position\":1}");
            writer.save(id, "{\"position\":2}");

            assertThat(reader.load(id)).contains("{\"position\":2}");
            TopicDescription topic = first.admin().describeTopic(PositionStore.TOPIC);
            assertThat(topic.partitions()).as("one partition keeps one connector's positions in order").hasSize(1);
            assertThat(topic.config()).containsEntry("cleanup.policy", "compact");
        }
    }
}
