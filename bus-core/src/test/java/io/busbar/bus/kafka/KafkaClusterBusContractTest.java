package io.busbar.bus.kafka;

import io.busbar.bus.Bus;
import io.busbar.bus.BusContractTest;
import org.junit.jupiter.api.AfterAll;

/** The bus contract on a real Apache Kafka 3.9 broker (KRaft, child JVM); subclasses run it on other broker lines. */
class KafkaClusterBusContractTest extends BusContractTest {
    private static Bus bus;

    protected KafkaBrokerProcess.Line line() {
        return KafkaBrokerProcess.Line.KAFKA_3;
    }

    @Override
    protected synchronized Bus bus() {
        if (bus == null) {
            try {
                bus = Bus.kafka(KafkaBusConfig.of(KafkaBrokerProcess.shared(line()).bootstrapServers()));
            } catch (Exception e) {
                throw new IllegalStateException("Kafka " + line() + " test broker did not start", e);
            }
        }
        return bus;
    }

    @AfterAll
    static void disconnect() {
        if (bus != null) {
            bus.close();
            bus = null;
        }
    }
}
