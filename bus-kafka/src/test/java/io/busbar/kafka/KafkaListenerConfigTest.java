package io.busbar.kafka;

import io.busbar.bus.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaListenerConfigTest {

    @Test
    void defaultsToLoopback9092() {
        KafkaListenerConfig c = KafkaListenerConfig.fromProperties(Map.of());
        assertThat(c.enabled()).isTrue();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(9092);
        assertThat(c.advertisedHost()).isNull();
        assertThat(c.maxRequestBytes()).isEqualTo(100 * 1024 * 1024);
    }

    @Test
    void readsListenerAdvertisedAddressAndLimits() {
        KafkaListenerConfig c = KafkaListenerConfig.fromProperties(Map.of(
                "busbar.kafka.listener", "PLAINTEXT://0.0.0.0:19092",
                "busbar.kafka.advertised.listener", "bus.example.com:29092",
                "busbar.kafka.max.request.bytes", "2048",
                "busbar.kafka.connections.max.idle.ms", "1000",
                "busbar.kafka.enabled", "false"));
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(19092);
        assertThat(c.advertisedHost()).isEqualTo("bus.example.com");
        assertThat(c.advertisedPort()).isEqualTo(29092);
        assertThat(c.maxRequestBytes()).isEqualTo(2048);
        assertThat(c.connectionsMaxIdleMs()).isEqualTo(1000);
        assertThat(c.enabled()).isFalse();
    }

    @Test
    void badValuesNameTheSettingAndTheFix() {
        assertThatThrownBy(() -> KafkaListenerConfig.fromProperties(Map.of("busbar.kafka.listener", "9092")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("busbar.kafka.listener")
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> KafkaListenerConfig.fromProperties(Map.of("busbar.kafka.listener", "localhost:x")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("numeric port");
        assertThatThrownBy(() -> KafkaListenerConfig.fromProperties(Map.of("busbar.kafka.listener", "localhost:70000")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("0-65535");
        assertThatThrownBy(() -> KafkaListenerConfig.fromProperties(Map.of("busbar.kafka.max.request.bytes", "10")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("busbar.kafka.max.request.bytes");
        assertThatThrownBy(() -> KafkaListenerConfig.fromProperties(Map.of("busbar.kafka.connections.max.idle.ms", "soon")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("not a number");
    }
}
