package io.busbar.bus.kafka;

import io.busbar.bus.Bus;
import io.busbar.bus.BusContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The bus contract on a real Apache Kafka 3.9 broker (KRaft, child JVM). */
class KafkaClusterBusContractTest extends BusContractTest {
    private static Bus bus;

    @BeforeAll
    static void connect() throws Exception {
        bus = Bus.kafka(KafkaBusConfig.of(KafkaBrokerProcess.shared().bootstrapServers()));
    }

    @AfterAll
    static void disconnect() {
        if (bus != null) {
            bus.close();
        }
    }

    @Override
    protected Bus bus() {
        return bus;
    }
}
