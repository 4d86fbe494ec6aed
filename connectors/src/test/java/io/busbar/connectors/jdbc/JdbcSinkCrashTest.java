package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.TestBackend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a JVM running the exactly-once JDBC sink with SIGKILL at random moments while it writes (mid-transaction,
 * between the database commit and the group's offset commit, with a batch loading on the pipeline's loader thread
 * and the next one encoded, ...), restarts it, and checks at the end that the table holds each record exactly once.
 * The table has no key, so a record written twice would show. On H2 the sink writes on its own thread; on
 * PostgreSQL (COPY) and MariaDB (LOAD DATA) the child waits until a batch has been loaded ahead before it says READY,
 * so every kill lands in the pipelined path. Cycles: {@code busbar.crash.cycles} / 10 (at least 3): 5 by default,
 * 100 under {@code -Psoak}; each cycle starts a JVM, so more would overrun the module's test-time budget.
 */
class JdbcSinkCrashTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void exactlyOnceSinkWritesEachRecordOnceDespiteSigkill(TestDatabase db) throws Exception {
        int cycles = Math.max(3, Integer.getInteger("busbar.crash.cycles", 50) / 10);
        // enough records that every cycle's kill lands mid-stream; a server database writes a batch in a millisecond or two
        int records = cycles * (db == TestDatabase.H2 ? 600 : 10_000);
        int batchSize = db == TestDatabase.H2 ? 50 : 200;
        Path busDir = dir.resolve("bus");
        String url = db == TestDatabase.H2 ? "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0" : db.url;
        String table = TestDatabase.uniqueName("crash_report");
        String offsets = TestDatabase.uniqueName("crash_offsets");
        db.assumeAvailable();
        try (Bus bus = TestBackend.EMBEDDED.open(busDir)) {
            BusFixture.produceAll(bus, "orders", JdbcSinkTaskTest.orders(1, records));
        }
        try (HikariDataSource ds = ConnectionPools.create("crash-setup", url, db.user, db.password, 1)) {
            TestDatabase.execute(ds, JdbcSinkTaskTest.ordersTable(db, table, false));
        }
        try {
            Random random = new Random();
            int killed = 0;
            for (int cycle = 0; cycle < cycles; cycle++) {
                Process child = start(busDir, url, db, table, offsets, records, batchSize);
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                awaitLine(out, "READY");
                Thread.sleep(random.nextInt(400)); // READY comes once writing is under way
                if (child.isAlive()) {
                    child.toHandle().destroyForcibly(); // SIGKILL
                    killed++;
                }
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            Process last = start(busDir, url, db, table, offsets, records, batchSize);
            BufferedReader out = new BufferedReader(new InputStreamReader(last.getInputStream(), StandardCharsets.UTF_8));
            awaitLine(out, "READY");
            awaitLine(out, "DONE");
            assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(killed).as("children killed while writing, of " + cycles).isGreaterThanOrEqualTo((cycles + 1) / 2);
            try (HikariDataSource ds = ConnectionPools.create("crash-verify", url, db.user, db.password, 1)) {
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(records);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(records);
            }
        } finally {
            if (db != TestDatabase.H2) {
                try (HikariDataSource ds = ConnectionPools.create("crash-cleanup", url, db.user, db.password, 1)) {
                    TestDatabase.execute(ds, "DROP TABLE IF EXISTS " + table, "DROP TABLE IF EXISTS " + offsets);
                }
            }
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

    private Process start(Path busDir, String url, TestDatabase db, String table, String offsets, int records,
                          int batchSize) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ExactlyOnceSinkProcess.class.getName(), busDir.toString(), url,
                db.user, db.password, table, offsets, "reporting", "orders", Integer.toString(records),
                Integer.toString(batchSize))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
