package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a JVM running the exactly-once JDBC sink with SIGKILL at random moments while it writes (mid-transaction,
 * between the database commit and the group's offset commit, ...), restarts it, and checks at the end that the
 * table holds each record exactly once. The table has no key, so a record written twice would show.
 * Cycles: {@code busbar.crash.cycles} / 10 (at least 3): 5 by default, 100 under {@code -Psoak}; each cycle starts a
 * JVM, so more would overrun the module's test-time budget.
 */
class JdbcSinkCrashTest {

    private static final int RECORDS = 3000;

    @TempDir
    Path dir;

    @Test
    void exactlyOnceSinkWritesEachRecordOnceDespiteSigkill() throws Exception {
        int cycles = Math.max(3, Integer.getInteger("busbar.crash.cycles", 50) / 10);
        Path busDir = dir.resolve("bus");
        String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0";
        try (Bus bus = TestBackend.EMBEDDED.open(busDir)) {
            BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, RECORDS));
        }
        try (HikariDataSource ds = ConnectionPools.create("crash-setup", url, "sa", "", 1)) {
            TestDatabase.execute(ds, "CREATE TABLE report (id BIGINT, customer VARCHAR(60), total DECIMAL(40,10))");
        }
        Random random = new Random();
        int killed = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            Process child = start(busDir, url);
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            awaitLine(out, "READY");
            Thread.sleep(random.nextInt(400)); // READY comes after the first poll: writing is under way
            if (child.isAlive()) {
                child.toHandle().destroyForcibly(); // SIGKILL
                killed++;
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Process last = start(busDir, url);
        BufferedReader out = new BufferedReader(new InputStreamReader(last.getInputStream(), StandardCharsets.UTF_8));
        awaitLine(out, "READY");
        awaitLine(out, "DONE");
        assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(killed).as("children killed while writing").isGreaterThan(0);
        try (HikariDataSource ds = ConnectionPools.create("crash-verify", url, "sa", "", 1)) {
            assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM report")).isEqualTo(RECORDS);
            assertThat(JdbcTestRows.count(ds, "SELECT COUNT(DISTINCT id) FROM report")).isEqualTo(RECORDS);
        }
    }

    /** Reads the child's output (its log lines too) until the line; fails if the child ends first. */
    private static void awaitLine(BufferedReader out, String expected) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals(expected)) {
                return;
            }
        }
        throw new AssertionError("the sink process ended before printing " + expected);
    }

    private Process start(Path busDir, String url) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ExactlyOnceSinkProcess.class.getName(), busDir.toString(), url,
                "report", "busbar_sink_offsets", "reporting", "orders", Integer.toString(RECORDS))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
