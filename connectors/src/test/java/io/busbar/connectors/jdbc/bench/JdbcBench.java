package io.busbar.connectors.jdbc.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.connectors.jdbc.ConnectionPools;
import io.busbar.connectors.jdbc.JdbcDialect;
import io.busbar.connectors.jdbc.JdbcSinkConfig;
import io.busbar.connectors.jdbc.JdbcSinkTask;
import io.busbar.connectors.jdbc.JdbcSourceConfig;
import io.busbar.connectors.jdbc.JdbcSourceTask;
import io.busbar.connectors.jdbc.SourceMode;
import io.busbar.connectors.position.PositionStore;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Rows per second of the JDBC source (table → topic) and sink (topic → table), next to a plain JDBC batch insert of
 * the same rows by the same JVM, the physical limit of the sink. H2 (embedded, file) and PostgreSQL (skipped when
 * unreachable). The bus uses its default durability (fsync with group commit). Sink rates exclude the consumer
 * group join: the clock starts when the first batch has been written. Not a unit test; run with
 * {@code mvn -B -q -pl connectors -am verify -Pbench-jdbc -DskipTests} (options: -Dbench.rows=100000
 * -Dbench.batch=1000). Results go to docs/performance.md, "JDBC connectors".
 */
public final class JdbcBench {

    private static final int ROWS = Integer.getInteger("bench.rows", 100_000);
    private static final int BATCH = Integer.getInteger("bench.batch", 1000);

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "JDBC benchmark: %d rows, batches of %d, %d cores, Java %s%n", ROWS, BATCH,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("| database | path | rows/s | % of plain batch insert |");
        System.out.println("|---|---|---|---|");
        Path dir = Files.createTempDirectory("jdbc-bench");
        run("H2 (file)", "jdbc:h2:file:" + dir.resolve("h2") + ";WRITE_DELAY=0", "sa", dir.resolve("bus-h2"));
        if (reachable(5432)) {
            run("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", dir.resolve("bus-pg"));
        } else {
            System.out.println("PostgreSQL at 127.0.0.1:5432 is unreachable: skipped");
        }
    }

    private static void run(String name, String url, String user, Path busDir) throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String plain = "bench_plain_" + suffix;
        try (HikariDataSource ds = ConnectionPools.create("bench", url, user, "", 4);
             Bus bus = Bus.open(BusConfig.builder(busDir).build())) {
            JdbcDialect dialect = JdbcDialect.fromUrl(url);
            List<String> tables = List.of(plain, "bench_warm_" + suffix, "bench_ins_" + suffix, "bench_ups_" + suffix,
                    "bench_eo_" + suffix, "bench_offsets_" + suffix);
            try {
                for (String t : tables.subList(0, 5)) {
                    execute(ds, "CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, customer VARCHAR(60),"
                            + " total DECIMAL(20,2), status VARCHAR(20), created_at TIMESTAMP(6))");
                }
                plainInsert(ds, "bench_warm_" + suffix, Math.min(ROWS, 20_000)); // JIT warm-up
                double plainRate = plainInsert(ds, plain, ROWS);
                report(name, "plain JDBC batch insert (same rows, same batches)", plainRate, plainRate);

                String topic = "bench-" + suffix;
                double sourceRate;
                try (PositionStore positions = new PositionStore(bus)) {
                    JdbcSourceConfig config = JdbcSourceConfig.of("bench-" + suffix, topic, plain,
                            SourceMode.INCREMENTING, "id", null).withBatchSize(BATCH);
                    JdbcSourceTask source = new JdbcSourceTask(ds, dialect, config, bus.producer(), positions);
                    long t0 = System.nanoTime();
                    int n = source.poll();
                    sourceRate = n * 1e9 / (System.nanoTime() - t0);
                    if (n != ROWS) {
                        throw new IllegalStateException("source published " + n + " rows, expected " + ROWS);
                    }
                }
                report(name, "jdbc-source (incrementing) → topic, fsync", sourceRate, plainRate);

                JdbcSinkConfig base = JdbcSinkConfig.of(topic, "g-ins-" + suffix, "bench_ins_" + suffix).withBatchSize(BATCH);
                report(name, "topic → jdbc-sink insert", sink(ds, dialect, bus, base), plainRate);
                JdbcSinkConfig upsert = JdbcSinkConfig.of(topic, "g-ups-" + suffix, "bench_ups_" + suffix)
                        .withBatchSize(BATCH).withUpsert(List.of());
                report(name, "topic → jdbc-sink upsert", sink(ds, dialect, bus, upsert), plainRate);
                JdbcSinkConfig eo = new JdbcSinkConfig(topic, "g-eo-" + suffix, "bench_eo_" + suffix,
                        io.busbar.connectors.jdbc.WriteMode.INSERT, List.of(), false, java.util.Map.of(), false, true,
                        "bench_offsets_" + suffix, BATCH, 500);
                report(name, "topic → jdbc-sink insert, exactly-once", sink(ds, dialect, bus, eo), plainRate);
            } finally {
                for (String t : tables) {
                    execute(ds, "DROP TABLE IF EXISTS " + (t.startsWith("bench_offsets") ? dialect == JdbcDialect.MARIADB
                            ? "`" + t + "`" : "\"" + t + "\"" : t)); // the offsets table's name is quoted
                }
            }
        }
    }

    private static double plainInsert(HikariDataSource ds, String table, int rows) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (id, customer, total, status, created_at) VALUES (?, ?, ?, ?, ?)")) {
            Timestamp now = new Timestamp(System.currentTimeMillis());
            for (int id = 1; id <= rows; id++) {
                ps.setLong(1, id);
                ps.setString(2, "customer " + (id % 1000));
                ps.setBigDecimal(3, BigDecimal.valueOf(id % 100_000, 2));
                ps.setString(4, "new");
                ps.setTimestamp(5, now);
                ps.addBatch();
                if (id % BATCH == 0) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
        }
        return rows * 1e9 / (System.nanoTime() - t0);
    }

    private static double sink(HikariDataSource ds, JdbcDialect dialect, Bus bus, JdbcSinkConfig config) throws Exception {
        try (JdbcSinkTask task = new JdbcSinkTask(ds, dialect, config, bus)) {
            int first;
            do {
                first = task.poll(); // joins the group; the clock starts after the first batch
            } while (first == 0);
            long t0 = System.nanoTime();
            long written = first;
            while (written < ROWS) {
                written += task.poll();
            }
            return (written - first) * 1e9 / (System.nanoTime() - t0);
        }
    }

    private static void report(String db, String path, double rate, double plainRate) {
        System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.0f%% |%n", db, path, rate, 100 * rate / plainRate);
    }

    private static void execute(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
            c.commit();
        }
    }

    private static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
