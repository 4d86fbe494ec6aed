package io.busbar.bus.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bus contract on a real Apache Kafka 4.x broker (KRaft, child JVM with the kafka-broker-4x class path). */
class Kafka4ClusterBusContractTest extends KafkaClusterBusContractTest {
    @Override
    protected KafkaBrokerProcess.Line line() {
        return KafkaBrokerProcess.Line.KAFKA_4;
    }

    @Test
    void theBrokerIsOfThe4xLine() throws Exception {
        assertThat(KafkaBrokerProcess.shared(line()).metadataVersion()).startsWith("4.");
    }
}
