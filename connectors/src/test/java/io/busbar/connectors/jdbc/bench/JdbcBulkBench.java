package io.busbar.connectors.jdbc.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.GroupDescription;
import io.busbar.connectors.jdbc.ConnectionPools;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.ScheduledPollConsumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Bulk load: one CSV file of {@code bench.rows} rows (default 500,000) into a table, through the real kamelets
 * (file-source → topic → jdbc-sink), next to what the database's own tools and plain JDBC do with the same file on
 * the same machine:
 * <ul>
 *   <li>baselines: {@code psql \copy} of the file (the psql binary), and a plain JDBC batched insert of the same rows
 *       (commons-csv parse, typed binds, {@code executeBatch} + commit every {@code bench.batch} rows, the connectors'
 *       pool settings);</li>
 *   <li>end to end: both kamelets running, clock from dropping the file into the watched folder until the sink's group
 *       has committed the last row (PostgreSQL insert = COPY, PostgreSQL exactly-once, MariaDB insert);</li>
 *   <li>the halves, to see what costs: the file source alone (CSV → topic), then the jdbc-sink alone on that filled
 *       topic (clock from the route start, so it includes the group join).</li>
 * </ul>
 * The bus at its default durability (fsync). Each run measures every path back to back; the ratio is the median of
 * per-run ratios. Not a unit test; run with {@code mvn -B -q -pl connectors -am verify -Pbench-jdbc-bulk -DskipTests}
 * (options: -Dbench.rows=500000 -Dbench.runs=3 -Dbench.batch=5000 -Dbench.warmup=true -Dbench.postgres=true
 * -Dbench.mariadb=true -Dbench.mariadbVariants=true -Dbench.only=kamelets,psql).
 * Results go to docs/performance.md, "JDBC connectors".
 */
public final class JdbcBulkBench {

    private static final int ROWS = Integer.getInteger("bench.rows", 500_000);
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int BATCH = Integer.getInteger("bench.batch", 5000);
    private static final boolean MARIADB_VARIANTS = Boolean.parseBoolean(System.getProperty("bench.mariadbVariants", "true"));
    /** Comma-separated parts of path names to measure (e.g. "kamelets"); empty: all. */
    private static final String ONLY = System.getProperty("bench.only", "");
    private static final boolean WARMUP = Boolean.parseBoolean(System.getProperty("bench.warmup", "true"));
    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";
    private static final String COLUMNS = "id, customer, city, item, quantity, price, created_at, note";

    /** path → rates per run, in the order measured. */
    private final Map<String, double[]> rates = new LinkedHashMap<>();
    private final Path work;
    private final Path csv;

    private JdbcBulkBench(Path work) {
        this.work = work;
        this.csv = work.resolve("orders.csv");
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("jdbc-bulk-bench");
        try {
            new JdbcBulkBench(work).run();
        } finally {
            delete(work);
        }
    }

    private void run() throws Exception {
        long bytes = writeCsv(csv, ROWS);
        System.out.printf(Locale.ROOT, "JDBC bulk benchmark: %,d CSV rows (%,d bytes), sink batchSize %d, %d runs, %d cores,"
                + " Java %s, load average at start: %s%n", ROWS, bytes, BATCH, RUNS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
        boolean pg = enabled("postgres", 5432);
        boolean maria = enabled("mariadb", 3306);
        // run -1 warms the JIT up on every path and is not counted
        for (int run = WARMUP ? -1 : 0; run < RUNS; run++) {
            if (pg) {
                measure("PostgreSQL: psql \\copy (baseline)", run, () -> psqlCopy());
                measure("PostgreSQL: plain JDBC batched insert (baseline)", run, () -> plainInsert(PG_URL, "postgres"));
                Path bus = Files.createDirectories(work.resolve("pg-halves-" + run));
                measure("file-source alone: CSV → topic", run, () -> sourceAlone(bus));
                measure("PostgreSQL: jdbc-sink alone, insert (COPY)", run, () -> sinkAlone(bus, PG_URL, "postgres", false));
                measure("PostgreSQL: jdbc-sink alone, exactly-once", run, () -> sinkAlone(bus, PG_URL, "postgres", true));
                delete(bus);
                measure("PostgreSQL: CSV → kamelets → table, insert (COPY)", run, () -> endToEnd(PG_URL, "postgres", false));
                measure("PostgreSQL: CSV → kamelets → table, exactly-once", run, () -> endToEnd(PG_URL, "postgres", true));
            }
            if (maria) {
                measure("MariaDB: plain JDBC batched insert (baseline)", run, () -> plainInsert(MARIADB_URL, "root"));
                if (MARIADB_VARIANTS) {
                    // which batch protocol loads fastest: the pool's choice is justified by these
                    measure("MariaDB: plain insert, useBulkStmts=false rewriteBatchedStatements=true", run,
                            () -> plainInsert(MARIADB_URL, "root", Map.of("useBulkStmts", "false", "rewriteBatchedStatements", "true")));
                    measure("MariaDB: plain insert, useBulkStmts=false (pipelined statements)", run,
                            () -> plainInsert(MARIADB_URL, "root", Map.of("useBulkStmts", "false")));
                }
                Path bus = Files.createDirectories(work.resolve("maria-halves-" + run));
                if (!pg) {
                    measure("file-source alone: CSV → topic", run, () -> sourceAlone(bus));
                } else {
                    sourceAlone(bus);
                }
                measure("MariaDB: jdbc-sink alone, insert", run, () -> sinkAlone(bus, MARIADB_URL, "root", false));
                delete(bus);
                measure("MariaDB: CSV → kamelets → table, insert", run, () -> endToEnd(MARIADB_URL, "root", false));
            }
            System.out.printf(Locale.ROOT, "%s done, load average %s%n", run < 0 ? "warm-up" : "run " + (run + 1), loadAverage());
        }
        System.out.println();
        System.out.println("| path | rows/s (median) | runs | vs baseline (median of per-run ratios) |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, double[]> e : rates.entrySet()) {
            String path = e.getKey();
            String vs = "";
            if (path.startsWith("PostgreSQL: CSV") || path.startsWith("PostgreSQL: jdbc-sink")) {
                vs = ratio(path, "PostgreSQL: psql \\copy (baseline)", "psql \\copy") + ", "
                        + ratio(path, "PostgreSQL: plain JDBC batched insert (baseline)", "plain insert");
                if (path.endsWith("exactly-once")) {
                    vs += ", " + ratio(path, path.replace("exactly-once", "insert (COPY)"), "insert mode");
                }
            } else if (path.startsWith("MariaDB: CSV") || path.startsWith("MariaDB: jdbc-sink")) {
                vs = ratio(path, "MariaDB: plain JDBC batched insert (baseline)", "plain insert");
            }
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %s | %s |%n", path, median(e.getValue()), runs(e.getValue()), vs);
        }
        System.out.println("load average at end: " + loadAverage());
    }

    private interface RateOfPath {
        double rate() throws Exception;
    }

    private void measure(String path, int run, RateOfPath what) throws Exception {
        if (!ONLY.isEmpty() && Arrays.stream(ONLY.split(",")).noneMatch(path::contains)) {
            if (path.startsWith("file-source alone")) {
                what.rate(); // fills the topic the sinks alone read
            }
            return;
        }
        if (path.startsWith("PostgreSQL")) {
            // the previous path's dirty pages and WAL are written now, not in the middle of this one's clock
            execute(PG_URL, "postgres", "CHECKPOINT");
        }
        double rate = what.rate();
        System.out.printf(Locale.ROOT, "  %s%s: %,.0f rows/s%n", run < 0 ? "(warm-up) " : "", path, rate);
        if (run < 0) {
            return;
        }
        rates.computeIfAbsent(path, p -> new double[RUNS])[run] = rate;
    }

    // ---- baselines

    private double psqlCopy() throws Exception {
        String table = newTable(PG_URL, "postgres", "bulk_psql");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres",
                    "-d", "test", "-c", "\\copy " + table + " (" + COLUMNS + ") FROM '" + csv + "' WITH (FORMAT csv, HEADER true)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("psql \\copy failed: " + out);
            }
            double rate = ROWS * 1e9 / (System.nanoTime() - t0);
            checkCount(PG_URL, "postgres", table);
            return rate;
        } finally {
            drop(PG_URL, "postgres", table);
        }
    }

    /** The same rows, parsed as the file source parses them, bound by type, {@code BATCH} rows per batch and commit. */
    private double plainInsert(String url, String user) throws Exception {
        return plainInsert(url, user, null);
    }

    /** With {@code driverProperties} null: the connectors' pool; else a pool with exactly these driver properties. */
    private double plainInsert(String url, String user, Map<String, String> driverProperties) throws Exception {
        String table = newTable(url, user, "bulk_plain");
        try (HikariDataSource ds = driverProperties == null ? ConnectionPools.create("bench-plain", url, user, "", 1)
                : pool(url, user, driverProperties)) {
            long t0 = System.nanoTime();
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                 Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                 CSVParser parser = CSVParser.builder().setReader(reader)
                         .setFormat(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
                int n = 0;
                for (CSVRecord r : parser) {
                    ps.setLong(1, Long.parseLong(r.get(0)));
                    ps.setString(2, r.get(1));
                    ps.setString(3, r.get(2));
                    ps.setString(4, r.get(3));
                    ps.setInt(5, Integer.parseInt(r.get(4)));
                    ps.setBigDecimal(6, new BigDecimal(r.get(5)));
                    ps.setObject(7, LocalDateTime.parse(r.get(6)));
                    ps.setString(8, r.get(7));
                    ps.addBatch();
                    if (++n % BATCH == 0) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                c.commit();
            }
            double rate = ROWS * 1e9 / (System.nanoTime() - t0);
            checkCount(url, user, table);
            return rate;
        } finally {
            drop(url, user, table);
        }
    }

    private static HikariDataSource pool(String url, String user, Map<String, String> driverProperties) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setAutoCommit(false);
        config.setMaximumPoolSize(1);
        driverProperties.forEach(config::addDataSourceProperty);
        return new HikariDataSource(config);
    }

    // ---- kamelets

    private double sourceAlone(Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        try (Bus bus = Bus.open(BusConfig.builder(dir.resolve("bus")).build());
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            CountDownLatch done = new CountDownLatch(1);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(fileSource(in)).process(e -> done.countDown());
                }
            });
            camel.start();
            awaitFirstScan(camel);
            long t0 = drop(in);
            if (!done.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the file source did not finish");
            }
            return ROWS * 1e9 / (System.nanoTime() - t0);
        }
    }

    private double sinkAlone(Path dir, String url, String user, boolean exactlyOnce) throws Exception {
        String table = newTable(url, user, "bulk_sink");
        String group = "g-" + table;
        try (Bus bus = Bus.open(BusConfig.builder(dir.resolve("bus")).build());
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(jdbcSink(url, user, table, group, exactlyOnce)).to("log:sink?level=DEBUG");
                }
            });
            long t0 = System.nanoTime();
            camel.start();
            awaitCommitted(bus, group);
            double rate = ROWS * 1e9 / (System.nanoTime() - t0);
            checkCount(url, user, table);
            return rate;
        } finally {
            drop(url, user, table);
            drop(url, user, offsetsTable(table));
        }
    }

    private double endToEnd(String url, String user, boolean exactlyOnce) throws Exception {
        Path dir = Files.createDirectories(work.resolve("e2e-" + UUID.randomUUID()));
        Path in = Files.createDirectories(dir.resolve("in"));
        String table = newTable(url, user, "bulk_e2e");
        String group = "g-" + table;
        try (Bus bus = Bus.open(BusConfig.builder(dir.resolve("bus")).build());
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(fileSource(in)).to("log:source?level=DEBUG");
                    from(jdbcSink(url, user, table, group, exactlyOnce)).to("log:sink?level=DEBUG");
                }
            });
            camel.start();
            awaitFirstScan(camel);
            long t0 = drop(in);
            awaitCommitted(bus, group);
            double rate = ROWS * 1e9 / (System.nanoTime() - t0);
            checkCount(url, user, table);
            return rate;
        } finally {
            drop(url, user, table);
            drop(url, user, offsetsTable(table));
            delete(dir);
        }
    }

    /**
     * Waits for the file source's first directory scan: the clock measures a file dropped into a running pipeline, not
     * the pipeline's start-up (Camel's file consumer scans first {@code initialDelay}, 1 s, after the route started).
     */
    private static void awaitFirstScan(CamelContext camel) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Route route : camel.getRoutes()) {
            if (route.getConsumer() instanceof ScheduledPollConsumer poller && route.getEndpoint().getEndpointUri().startsWith("file:")) {
                while (!poller.isFirstPollDone()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the file source of route " + route.getRouteId() + " did not scan in 30 s");
                    }
                    Thread.sleep(5);
                }
            }
        }
    }

    /**
     * Drops the CSV into the watched folder as a finished file arrives (a rename from a folder beside it) and returns
     * the clock's start: copying 44 MB is the benchmark's own I/O, which psql's baseline does not pay either.
     */
    private long drop(Path in) throws IOException {
        Path staging = Files.createDirectories(in.resolveSibling("staging")).resolve("orders.csv");
        Files.copy(csv, staging, StandardCopyOption.REPLACE_EXISTING);
        long t0 = System.nanoTime();
        Files.move(staging, in.resolve("orders.csv"), StandardCopyOption.ATOMIC_MOVE);
        return t0;
    }

    private static String fileSource(Path in) {
        return "kamelet:file-source?directory=" + in + "&topic=orders&format=csv&keyField=id&readLockCheckInterval=100&delay=50";
    }

    private static String jdbcSink(String url, String user, String table, String group, boolean exactlyOnce) {
        return "kamelet:jdbc-sink?jdbcUrl=RAW(" + url + ")&username=" + user + "&topic=orders&groupId=" + group
                + "&table=" + table + "&batchSize=" + BATCH + "&exactlyOnce=" + exactlyOnce
                + "&offsetsTable=" + offsetsTable(table);
    }

    private static String offsetsTable(String table) {
        return table + "_offsets";
    }

    private static void awaitCommitted(Bus bus, String group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                GroupDescription g = bus.admin().describeGroup(group);
                if (g.offsets().stream().mapToLong(GroupDescription.PartitionOffsets::committedOffset).sum() >= ROWS) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the group exists once the sink's consumer joined
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the sink of group " + group + " did not finish in 30 minutes");
    }

    // ---- data

    /** id,customer,city,item,quantity,price,created_at,note: every 10th note quoted with a comma, Korean text. */
    private static long writeCsv(Path file, int rows) throws IOException {
        try (BufferedOutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write((COLUMNS.replace(" ", "") + "\n").getBytes(StandardCharsets.UTF_8));
            LocalDateTime base = LocalDateTime.parse("2026-11-25T00:00:00");
            for (int i = 1; i <= rows; i++) {
                String note = i % 10 == 0 ? "\"gift, wrap \"\"red\"\"\"" : "서울 배송 " + (i % 97);
                String created = base.plusSeconds(i).plusNanos((i % 1000) * 1000L).toString();
                if (created.length() == 19) {
                    created += ".000000";
                }
                out.write((i + ",customer-" + (i % 5000) + ",Seoul,item-" + (i % 977) + "," + (i % 9 + 1) + ","
                        + BigDecimal.valueOf(i % 100_000, 2) + "," + created + "," + note + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return Files.size(file);
    }

    private static String newTable(String url, String user, String prefix) throws SQLException {
        String table = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        boolean maria = url.startsWith("jdbc:mariadb:");
        execute(url, user, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, customer VARCHAR(60), city VARCHAR(40),"
                + " item VARCHAR(40), quantity INT, price DECIMAL(12,2), created_at " + (maria ? "DATETIME(6)" : "TIMESTAMP(6)")
                + ", note VARCHAR(100))" + (maria ? " DEFAULT CHARSET=utf8mb4" : ""));
        return table;
    }

    private static void drop(String url, String user, String table) throws SQLException {
        execute(url, user, "DROP TABLE IF EXISTS " + table);
    }

    private static void checkCount(String url, String user, String table) throws SQLException {
        try (HikariDataSource ds = ConnectionPools.create("bench-check", url, user, "", 1);
             Connection c = ds.getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            if (rs.getLong(1) != ROWS) {
                throw new IllegalStateException(table + " holds " + rs.getLong(1) + " rows, expected " + ROWS);
            }
            c.rollback();
        }
    }

    private static void execute(String url, String user, String sql) throws SQLException {
        try (HikariDataSource ds = ConnectionPools.create("bench-ddl", url, user, "", 1);
             Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
            c.commit();
        }
    }

    // ---- reporting

    private String ratio(String path, String baseline, String name) {
        double[] p = rates.get(path);
        double[] b = rates.get(baseline);
        if (p == null || b == null) {
            return "";
        }
        double[] r = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            r[i] = p[i] / b[i];
        }
        return String.format(Locale.ROOT, "%.0f%% of %s", 100 * median(r), name);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String runs(double[] values) {
        List<String> all = new ArrayList<>();
        for (double v : values) {
            all.add(String.format(Locale.ROOT, "%,.0f", v));
        }
        return String.join(" / ", all);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static boolean enabled(String name, int port) {
        if (!Boolean.parseBoolean(System.getProperty("bench." + name, "true"))) {
            System.out.println(name + ": skipped (-Dbench." + name + "=false)");
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            System.out.println(name + " at 127.0.0.1:" + port + " is unreachable: skipped");
            return false;
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
