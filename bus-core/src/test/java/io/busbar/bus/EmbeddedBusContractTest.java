package io.busbar.bus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class EmbeddedBusContractTest extends BusContractTest {
    @TempDir
    Path dir;
    private Bus bus;

    @BeforeEach
    void open() {
        bus = Bus.open(BusConfig.builder(dir).build());
    }

    @AfterEach
    void close() {
        bus.close();
    }

    @Override
    protected Bus bus() {
        return bus;
    }
}
