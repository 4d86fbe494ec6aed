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
import io.busbar.connectors.jdbc.WriteMode;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;

/**
 * Rows per second of the JDBC source (table → topic) and sink (topic → table), next to a plain JDBC batch insert of
 * the same rows by the same JVM, the physical limit of the sink. H2 (embedded, file) and PostgreSQL (skipped when
 * unreachable). The bus uses its default durability (fsync with group commit). Every path runs once on 20,000 rows
 * to warm up the JIT, then {@code bench.runs} times (median reported). Sink rates exclude the consumer group join:
 * the clock starts when the first batch has been written. Not a unit test; run with
 * {@code mvn -B -q -pl connectors -am verify -Pbench-jdbc -DskipTests} (options: -Dbench.rows=100000
 * -Dbench.batch=1000 -Dbench.runs=3 -Dbench.postgres=false). Results go to docs/performance.md, "JDBC connectors".
 */
public final class JdbcBench {

    private static final int ROWS = Integer.getInteger("bench.rows", 100_000);
    private static final int BATCH = Integer.getInteger("bench.batch", 1000);
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int WARMUP_ROWS = Math.min(ROWS, 20_000);

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "JDBC benchmark: %d rows, batches of %d, %d cores, Java %s%n", ROWS, BATCH,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("| database | path | rows/s (median) | runs | % of plain batch insert (median of per-run ratios) |");
        System.out.println("|---|---|---|---|---|");
        Path dir = Files.createTempDirectory("jdbc-bench");
        run("H2 (file)", "jdbc:h2:file:" + dir.resolve("h2") + ";WRITE_DELAY=0", "sa", dir.resolve("bus-h2"));
        if (!Boolean.parseBoolean(System.getProperty("bench.postgres", "true"))) {
            System.out.println("PostgreSQL: skipped (-Dbench.postgres=false)");
        } else if (reachable(5432)) {
            run("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", dir.resolve("bus-pg"));
        } else {
            System.out.println("PostgreSQL at 127.0.0.1:5432 is unreachable: skipped");
        }
    }

    private static void run(String name, String url, String user, Path busDir) throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        List<String> tables = new ArrayList<>();
        try (HikariDataSource ds = ConnectionPools.create("bench", url, user, "", 4);
             Bus bus = Bus.open(BusConfig.builder(busDir).build())) {
            JdbcDialect dialect = JdbcDialect.fromUrl(url);
            try {
                // warm-up: every path once on a smaller table, so the JIT has compiled them before the clock runs
                String warm = table(ds, tables, "bench_warm_" + suffix);
                plainInsert(ds, warm, WARMUP_ROWS);
                source(ds, dialect, bus, warm, "warm-" + suffix, WARMUP_ROWS);
                sink(ds, dialect, bus, JdbcSinkConfig.of("warm-" + suffix, "g-warm-" + suffix,
                        table(ds, tables, "bench_warm_sink_" + suffix)).withBatchSize(BATCH), WARMUP_ROWS);

                // The machine may be shared: each run measures the plain insert and then every connector path
                // back to back, and the ratio is taken per run (median of the ratios), so load swings hit both sides.
                double[] plainRates = new double[RUNS];
                double[] sourceRates = new double[RUNS];
                double[] insert = new double[RUNS];
                double[] upsert = new double[RUNS];
                double[] exactlyOnce = new double[RUNS];
                for (int i = 0; i < RUNS; i++) {
                    String plain = table(ds, tables, "bench_plain_" + i + "_" + suffix);
                    plainRates[i] = plainInsert(ds, plain, ROWS);
                    String topic = "bench-" + i + "-" + suffix;
                    sourceRates[i] = source(ds, dialect, bus, plain, topic, ROWS);
                    insert[i] = sink(ds, dialect, bus, JdbcSinkConfig.of(topic, "g-ins-" + i + suffix,
                            table(ds, tables, "bench_ins_" + i + "_" + suffix)).withBatchSize(BATCH), ROWS);
                    upsert[i] = sink(ds, dialect, bus, JdbcSinkConfig.of(topic, "g-ups-" + i + suffix,
                            table(ds, tables, "bench_ups_" + i + "_" + suffix)).withBatchSize(BATCH).withUpsert(List.of()), ROWS);
                    String offsets = "bench_offsets_" + i + "_" + suffix;
                    tables.add(offsets);
                    exactlyOnce[i] = sink(ds, dialect, bus, new JdbcSinkConfig(topic, "g-eo-" + i + suffix,
                            table(ds, tables, "bench_eo_" + i + "_" + suffix), WriteMode.INSERT, List.of(), false,
                            Map.of(), false, true, offsets, BATCH, 500), ROWS);
                }
                report(name, "plain JDBC batch insert (same rows, same batches)", plainRates, plainRates);
                report(name, "jdbc-source (incrementing) → topic, fsync", sourceRates, plainRates);
                report(name, "topic → jdbc-sink insert", insert, plainRates);
                report(name, "topic → jdbc-sink upsert", upsert, plainRates);
                report(name, "topic → jdbc-sink insert, exactly-once", exactlyOnce, plainRates);
            } finally {
                for (String t : tables) {
                    // the offsets table is created with a quoted (case-kept) name
                    execute(ds, "DROP TABLE IF EXISTS " + (t.startsWith("bench_offsets") ? dialect == JdbcDialect.MARIADB
                            ? "`" + t + "`" : "\"" + t + "\"" : t));
                }
            }
        }
    }

    private static String table(HikariDataSource ds, List<String> tables, String name) throws SQLException {
        execute(ds, "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, customer VARCHAR(60),"
                + " total DECIMAL(20,2), status VARCHAR(20), created_at TIMESTAMP(6))");
        tables.add(name);
        return name;
    }

    private static double source(HikariDataSource ds, JdbcDialect dialect, Bus bus, String table, String topic,
                                 int rows) throws Exception {
        try (PositionStore positions = new PositionStore(bus)) {
            JdbcSourceConfig config = JdbcSourceConfig.of(topic, topic, table, SourceMode.INCREMENTING, "id", null)
                    .withBatchSize(BATCH);
            JdbcSourceTask source = new JdbcSourceTask(ds, dialect, config, bus.producer(), positions);
            long t0 = System.nanoTime();
            int n = source.poll();
            double rate = n * 1e9 / (System.nanoTime() - t0);
            if (n != rows) {
                throw new IllegalStateException("source published " + n + " rows, expected " + rows);
            }
            return rate;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
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

    private static double sink(HikariDataSource ds, JdbcDialect dialect, Bus bus, JdbcSinkConfig config, int rows)
            throws Exception {
        try (JdbcSinkTask task = new JdbcSinkTask(ds, dialect, config, bus)) {
            int first;
            do {
                first = task.poll(); // joins the group; the clock starts after the first batch
            } while (first == 0);
            long t0 = System.nanoTime();
            long written = first;
            while (written < rows) {
                written += task.poll();
            }
            return (written - first) * 1e9 / (System.nanoTime() - t0);
        }
    }

    private static void report(String db, String path, double[] runs, double[] plainRuns) {
        double rate = median(runs);
        double[] ratios = new double[runs.length];
        for (int i = 0; i < runs.length; i++) {
            ratios[i] = runs[i] / plainRuns[i];
        }
        StringBuilder all = new StringBuilder();
        for (double r : runs) {
            all.append(all.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.0f", r));
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %s | %.0f%% |%n", db, path, rate, all, 100 * median(ratios));
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
