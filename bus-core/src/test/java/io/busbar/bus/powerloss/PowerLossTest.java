package io.busbar.bus.powerloss;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simulated power losses under the embedded bus ({@link PowerLossWorkload} in child JVMs with
 * {@link PowerLossFileSystemProvider} installed): whatever was not fsynced is dropped or torn at a random moment,
 * then the bus must reopen with every acknowledged record, offset commit and topic deletion intact.
 * {@code busbar.powerloss.cycles} power losses in all (500 by default; the soak profile runs 10,000), spread over
 * runs of 50 cycles each on a fresh data directory, two runs at a time; every other run with the log journal
 * ({@code busbar.log.journal}).
 */
class PowerLossTest {
    private static final int CYCLES_PER_RUN = 50;
    private static final Pattern OK = Pattern.compile("OK cycles=(\\d+) powerLosses=(\\d+) acked=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveSimulatedPowerLoss() throws Exception {
        int total = Integer.getInteger("busbar.powerloss.cycles", 500);
        long baseSeed = Long.getLong("busbar.powerloss.seed", System.nanoTime());
        int runs = Math.max(1, total / CYCLES_PER_RUN);
        int losses = 0;
        long acked = 0;
        for (int run = 0; run < runs; run += 2) {
            List<Child> children = new ArrayList<>();
            for (int r = run; r < Math.min(runs, run + 2); r++) {
                children.add(start(dir.resolve("run-" + r), baseSeed + r, r % 2 == 1));
            }
            for (Child child : children) {
                String output = child.await();
                Matcher ok = OK.matcher(output);
                assertThat(ok.find()).as("power-loss run with seed %d%s (rerun with -Dbusbar.powerloss.seed=%d):%n%s",
                        child.seed, child.journal ? " and the journal" : "", child.seed, output).isTrue();
                losses += Integer.parseInt(ok.group(2));
                acked += Long.parseLong(ok.group(3));
            }
        }
        assertThat(losses).as("simulated power losses").isGreaterThanOrEqualTo(runs * CYCLES_PER_RUN);
        assertThat(acked).as("acknowledged records checked").isGreaterThan(runs * 100L);
    }

    private record Child(Process process, long seed, boolean journal) {
        String await() throws IOException, InterruptedException {
            byte[] out = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static Child start(Path dataDir, long seed, boolean journal) throws IOException {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.nio.file.spi.DefaultFileSystemProvider=" + PowerLossFileSystemProvider.class.getName(),
                "-cp", System.getProperty("java.class.path"), PowerLossWorkload.class.getName(),
                dataDir.toString(), Integer.toString(CYCLES_PER_RUN), Long.toString(seed), journal ? "journal" : "files")
                .redirectErrorStream(true).start();
        return new Child(p, seed, journal);
    }
}
