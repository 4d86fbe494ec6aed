package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.TestBackend;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Deque;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
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
 *
 * <p>With several members: two sink JVMs share a group on a Kafka broker (two partitions), and one of them is killed
 * while both write; its partitions move to the other once its session expires (6 s), and the restarted one joins
 * again. Kills: {@code busbar.crash.cycles} / 50, from 1 (the default) to 5 (under {@code -Psoak}); each costs a session timeout.
 */
class JdbcSinkCrashTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void exactlyOnceSinkWritesEachRecordOnceDespiteSigkill(TestDatabase db) throws Exception {
        int cycles = Math.max(3, Integer.getInteger("busbar.crash.cycles", 50) / 10);
        // enough records that every cycle's kill lands mid-stream; a server database writes a batch in a millisecond or two
        int records = cycles * (db == TestDatabase.H2 ? 2_000 : 10_000);
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
                Member child = new Member(start(busDir, url, db, table, offsets, records, batchSize));
                child.await("READY", 60);
                // READY comes once writing is under way; on a fast machine a child writes what is left of the stream in
                // a few hundred milliseconds, so the kill comes within 100 ms to land mid-stream
                Thread.sleep(random.nextInt(100));
                if (child.process.isAlive()) {
                    child.process.toHandle().destroyForcibly(); // SIGKILL
                    killed++;
                }
                assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            Member last = new Member(start(busDir, url, db, table, offsets, records, batchSize));
            last.await("DONE", 120);
            assertThat(last.process.waitFor(60, TimeUnit.SECONDS)).isTrue();

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

    @ParameterizedTest
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void exactlyOnceHoldsWhenOneOfTwoMembersIsKilledWhileBothWrite(TestDatabase db) throws Exception {
        db.assumeAvailable();
        int kills = Math.min(5, Math.max(1, Integer.getInteger("busbar.crash.cycles", 50) / 50));
        int records = 100_000 * kills;
        String bootstrap = KafkaBrokerProcess.shared().bootstrapServers();
        String topic = TestDatabase.uniqueName("crash_orders");
        String table = TestDatabase.uniqueName("crash_members");
        String offsets = TestDatabase.uniqueName("crash_members_off");
        String group = TestDatabase.uniqueName("g");
        try (Bus bus = Bus.kafka(KafkaBusConfig.of(bootstrap).withDefaultPartitions(2))) {
            BusFixture.produceAll(bus, topic, JdbcSinkTaskTest.orders(1, records));
            assertThat(bus.admin().describeTopic(topic).partitions()).hasSize(2);
        }
        try (HikariDataSource ds = ConnectionPools.create("crash-setup", db.url, db.user, db.password, 1)) {
            TestDatabase.execute(ds, JdbcSinkTaskTest.ordersTable(db, table, false));
        }
        String bus = ExactlyOnceSinkProcess.KAFKA + bootstrap;
        Member[] members = new Member[2];
        try {
            Random random = new Random();
            for (int i = 0; i < 2; i++) {
                members[i] = new Member(start(bus, db.url, db, table, offsets, group, topic, records, 200));
            }
            int killedMidStream = 0;
            for (int kill = 0; kill < kills; kill++) {
                members[0].await("READY", 60);
                members[1].await("READY", 60);
                Thread.sleep(random.nextInt(300));
                int victim = random.nextInt(2);
                if (members[victim].process.isAlive() && !members[1 - victim].seen("DONE")) {
                    members[victim].process.toHandle().destroyForcibly(); // SIGKILL while the other one writes
                    killedMidStream++;
                }
                assertThat(members[victim].process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                members[victim] = new Member(start(bus, db.url, db, table, offsets, group, topic, records, 200));
            }
            members[0].await("DONE", 120);
            members[1].await("DONE", 120);
            try (HikariDataSource ds = ConnectionPools.create("crash-verify", db.url, db.user, db.password, 1)) {
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table)).isEqualTo(records);
                assertThat(JdbcTestRows.count(ds, "SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(records);
            }
            // the first kill comes right after both members loaded ahead; later ones may find the stream written
            assertThat(killedMidStream).as("members killed while the other one wrote, of " + kills).isGreaterThanOrEqualTo(1);
        } finally {
            for (Member m : members) {
                if (m != null) {
                    m.process.destroyForcibly();
                }
            }
            try (HikariDataSource ds = ConnectionPools.create("crash-cleanup", db.url, db.user, db.password, 1)) {
                TestDatabase.execute(ds, "DROP TABLE IF EXISTS " + table, "DROP TABLE IF EXISTS " + offsets);
            }
        }
    }

    /** A sink JVM whose output is read all along (so it never blocks on a full pipe), remembering what it printed. */
    private static final class Member {
        final Process process;
        private final Set<String> seen = ConcurrentHashMap.newKeySet();
        private final Deque<String> last = new ConcurrentLinkedDeque<>();

        Member(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        seen.add(line);
                        last.addLast(line);
                        if (last.size() > 30) {
                            last.pollFirst();
                        }
                    }
                } catch (IOException ended) {
                    // the process was killed: what it printed before is kept
                }
            }, "crash-member-output");
            reader.setDaemon(true);
            reader.start();
        }

        boolean seen(String line) {
            return seen.contains(line);
        }

        void await(String line, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!seen.contains(line)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("a sink member did not print " + line + " in " + seconds + " s (alive: "
                            + process.isAlive() + "); its last lines:\n" + String.join("\n", last));
                }
                Thread.sleep(20);
            }
        }
    }

    private Process start(Path busDir, String url, TestDatabase db, String table, String offsets, int records,
                          int batchSize) throws Exception {
        return start(busDir.toString(), url, db, table, offsets, "reporting", "orders", records, batchSize);
    }

    private static Process start(String bus, String url, TestDatabase db, String table, String offsets, String group,
                                 String topic, int records, int batchSize) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ExactlyOnceSinkProcess.class.getName(), bus, url,
                db.user, db.password, table, offsets, group, topic, Integer.toString(records), Integer.toString(batchSize))
                .redirectErrorStream(true).start();
    }
}
