package io.busbar.connectors.position;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.TestBackend;
import io.busbar.bus.TopicDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag(TestBackend.BOTH_BACKENDS)
class PositionStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void loadsNothingForAnUnknownConnector() {
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            assertThat(store.load("never-saved")).isEmpty();
        }
    }

    @Test
    void latestSavedPositionWinsPerConnector() {
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            store.save("a", "{\"line\":1}");
            store.save("b", "{\"line\":7}");
            store.save("a", "{\"line\":2}");
            assertThat(store.load("a")).contains("{\"line\":2}");
            assertThat(store.load("b")).contains("{\"line\":7}");
        }
    }

    @Test
    void positionIsDurableInTheBusTopicAndSurvivesReopen() {
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            store.save("file-source/orders.csv", "{\"offset\":4096}");
            TopicDescription topic = bus.admin().describeTopic(PositionStore.TOPIC);
            assertThat(topic.partitions().get(0).endOffset()).isEqualTo(1);
        }
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            assertThat(store.load("file-source/orders.csv")).contains("{\"offset\":4096}");
        }
    }

    @Test
    void asyncSavesAreDurableInCallOrderOnceTheirFutureCompletes() throws Exception {
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            java.util.concurrent.CompletableFuture<Void> last = null;
            for (int i = 1; i <= 50; i++) {
                last = store.saveAsync("file-source/orders.csv", "{\"offset\":" + i + "}");
            }
            last.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(store.load("file-source/orders.csv")).contains("{\"offset\":50}");
        }
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            assertThat(store.load("file-source/orders.csv")).contains("{\"offset\":50}");
        }
    }

    @Test
    void seesPositionsSavedByAnotherStoreOnTheSameBus() {
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore reader = new PositionStore(bus);
             PositionStore writer = new PositionStore(bus)) {
            writer.save("x", "1");
            assertThat(reader.load("x")).contains("1");
            writer.save("x", "2");
            assertThat(reader.load("x")).contains("2");
        }
    }

    @Test
    void deleteForgetsThePositionAcrossReopen() {
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            store.save("done", "{\"line\":10}");
            store.delete("done");
            assertThat(store.load("done")).isEmpty();
        }
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            assertThat(store.load("done")).isEmpty();
        }
    }

    @Test
    void rejectsAnEmptyConnectorIdWithTheFix() {
        try (Bus bus = TestBackend.current().open(BusConfig.builder(dataDir).build());
             PositionStore store = new PositionStore(bus)) {
            assertThatThrownBy(() -> store.save(" ", "{}"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stable, unique id");
        }
    }
}
