package io.busbar.bus.kafka;

import io.busbar.bus.Bus;
import io.busbar.bus.BusContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The bus contract on a real Apache Kafka 3.9 broker (KRaft, child JVM). */
class KafkaClusterBusContractTest extends BusContractTest {
    @TempDir
    static Path dir;
    private static KafkaBrokerProcess kafka;
    private static Bus bus;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaBrokerProcess.start(dir);
        bus = Bus.kafka(KafkaBusConfig.of(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopKafka() {
        if (bus != null) {
            bus.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    protected Bus bus() {
        return bus;
    }
}
