package io.busbar.kafka.handler;

import io.busbar.bus.powerloss.PowerLossFileSystemProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Producer ids stay unique across simulated power losses (the block file's rename must reach the disk first). */
class ProducerIdAllocatorPowerLossTest {
    @TempDir
    Path dir;

    @Test
    void noProducerIdIsHandedOutTwiceAcrossPowerLosses() throws Exception {
        long seed = Long.getLong("busbar.powerloss.seed", System.nanoTime());
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
                "-Djava.nio.file.spi.DefaultFileSystemProvider=" + PowerLossFileSystemProvider.class.getName(),
                "-cp", System.getProperty("java.class.path"), ProducerIdPowerLoss.class.getName(),
                dir.resolve("data").toString(), "200", Long.toString(seed))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(out).as("seed %d", seed).contains("OK cycles=200");
    }
}
