package io.busbar.kafka;

import io.busbar.bus.BusConfig;
import io.busbar.bus.embedded.EmbeddedBus;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Path;
import java.util.Properties;
import java.util.function.UnaryOperator;

/** An embedded bus on a temporary directory with a Kafka listener on a free loopback port, for tests. */
public final class TestBroker implements AutoCloseable {

    private final EmbeddedBus bus;
    private final KafkaListener listener;

    private TestBroker(EmbeddedBus bus, KafkaListener listener) {
        this.bus = bus;
        this.listener = listener;
    }

    public static TestBroker start(Path dataDir) {
        return start(dataDir, b -> b, c -> c);
    }

    public static TestBroker start(Path dataDir, UnaryOperator<BusConfig.Builder> busSettings,
                                   UnaryOperator<KafkaListenerConfig> listenerSettings) {
        EmbeddedBus bus = EmbeddedBus.open(busSettings.apply(BusConfig.builder(dataDir)).build());
        try {
            return new TestBroker(bus, KafkaListener.start(bus, listenerSettings.apply(KafkaListenerConfig.onAddress("127.0.0.1", 0))));
        } catch (RuntimeException e) {
            bus.close();
            throw e;
        }
    }

    public EmbeddedBus bus() {
        return bus;
    }

    public KafkaListener listener() {
        return listener;
    }

    public String bootstrap() {
        return listener.bootstrapServers();
    }

    public Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    public Properties consumerProps(String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    public Properties adminProps() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return p;
    }

    @Override
    public void close() {
        listener.close();
        bus.close();
    }
}
