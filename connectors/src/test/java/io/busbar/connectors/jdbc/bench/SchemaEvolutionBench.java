package io.busbar.connectors.jdbc.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.connectors.jdbc.ConnectionPools;
import io.busbar.connectors.jdbc.JdbcDialect;
import io.busbar.connectors.jdbc.JdbcSinkConfig;
import io.busbar.connectors.jdbc.JdbcSinkTask;
import io.busbar.connectors.jdbc.SchemaEvolution;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What {@code autoCreate}/{@code autoEvolve} cost the JDBC sink in steady state: the same topic written by a sink
 * into a table created by hand, and by a sink that created the table itself and checks every batch for new fields
 * (one more JSON parse per record; no database round trip while the fields stay the same), and the same check on the
hand-made table, which isolates it from the different column types of a created table. Rates exclude the group
 * join and the first batch (where the table is created); each run measures both back to back and the ratio is taken
 * per run (median), so load swings hit both sides. H2 (embedded, file) and PostgreSQL (skipped when unreachable).
 * Not a unit test; run with {@code mvn -B -q -pl connectors -am verify -Pbench-jdbc-schema -DskipTests}
 * (options: -Dbench.rows=50000 -Dbench.batch=1000 -Dbench.runs=5 -Dbench.postgres=false). Results go to
 * docs/performance.md, "JDBC connectors".
 */
public final class SchemaEvolutionBench {

    private static final int ROWS = Integer.getInteger("bench.rows", 50_000);
    private static final int BATCH = Integer.getInteger("bench.batch", 1000);
    private static final int RUNS = Integer.getInteger("bench.runs", 5);

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "Schema evolution benchmark: %d rows, batches of %d, %d runs, %d cores, Java %s%n",
                ROWS, BATCH, RUNS, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("| database | sink | rows/s (median) | runs | % of the sink without evolution |");
        System.out.println("|---|---|---|---|---|");
        Path dir = Files.createTempDirectory("schema-bench");
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
            String topic = "orders-" + suffix;
            produce(bus, topic);
            try {
                // warm-up of both paths, so the JIT has compiled them before the clock runs
                sink(ds, dialect, bus, topic, byHand(ds, tables, "warm_plain_" + suffix), false);
                sink(ds, dialect, bus, topic, created(tables, "warm_auto_" + suffix), true);
                double[] plain = new double[RUNS];
                double[] checking = new double[RUNS];
                double[] created = new double[RUNS];
                for (int i = 0; i < RUNS; i++) {
                    plain[i] = sink(ds, dialect, bus, topic, byHand(ds, tables, "plain_" + i + "_" + suffix), false);
                    checking[i] = sink(ds, dialect, bus, topic, byHand(ds, tables, "check_" + i + "_" + suffix), true);
                    created[i] = sink(ds, dialect, bus, topic, created(tables, "auto_" + i + "_" + suffix), true);
                }
                report(name, "insert, table created by hand", plain, plain);
                report(name, "same table, autoCreate + autoEvolve on (the per-batch check)", checking, plain);
                report(name, "table created by the sink (inferred types: DECFLOAT/NUMERIC, text)", created, plain);
            } finally {
                for (String t : tables) {
                    execute(ds, "DROP TABLE IF EXISTS " + t);
                }
            }
        }
    }

    /** The rows of the jdbc-source's form: id, customer, exact total, status, ISO timestamp. */
    private static void produce(Bus bus, String topic) throws Exception {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int id = 1; id <= ROWS; id++) {
            String json = "{\"id\":" + id + ",\"customer\":\"customer " + (id % 1000) + "\",\"total\":"
                    + (id % 100_000) / 100 + "." + String.format(Locale.ROOT, "%02d", id % 100)
                    + ",\"status\":\"new\",\"created_at\":\"2026-11-25T13:45:10.123456\"}";
            sends.add(bus.producer().send(topic, BusRecord.of(Integer.toString(id), json)));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get();
    }

    private static String byHand(HikariDataSource ds, List<String> tables, String name) throws SQLException {
        execute(ds, "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, customer VARCHAR(60), total DECIMAL(20,2),"
                + " status VARCHAR(20), created_at TIMESTAMP(6))");
        tables.add(name);
        return name;
    }

    private static String created(List<String> tables, String name) {
        tables.add(name);
        return name;
    }

    private static double sink(HikariDataSource ds, JdbcDialect dialect, Bus bus, String topic, String table,
                               boolean evolve) throws Exception {
        JdbcSinkConfig config = JdbcSinkConfig.of(topic, "g-" + table, table).withBatchSize(BATCH);
        try (JdbcSinkTask task = new JdbcSinkTask(ds, dialect, config, bus).withSchemaEvolution(
                new SchemaEvolution(table, evolve, evolve, List.of("id"), Map.of(), true))) {
            int first;
            do {
                first = task.poll(); // joins the group (and creates the table); the clock starts after it
            } while (first == 0);
            long t0 = System.nanoTime();
            long written = first;
            while (written < ROWS) {
                written += task.poll();
            }
            return (written - first) * 1e9 / (System.nanoTime() - t0);
        }
    }

    private static void report(String db, String path, double[] runs, double[] baseline) {
        double[] ratios = new double[runs.length];
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < runs.length; i++) {
            ratios[i] = runs[i] / baseline[i];
            all.append(i == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.0f", runs[i]));
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %s | %.0f%% |%n", db, path, median(runs), all, 100 * median(ratios));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
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
