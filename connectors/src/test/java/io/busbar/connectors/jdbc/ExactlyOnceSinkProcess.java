package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.kafka.KafkaBusConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Child JVM of {@link JdbcSinkCrashTest}: runs an exactly-once JDBC sink from an embedded bus into a database until
 * every record is written (prints DONE), unless the test kills it first with SIGKILL. It prints READY once writing is
 * under way: after the first poll on H2; on a database the sink bulk-loads (PostgreSQL, MariaDB), once a batch has
 * been loaded on the pipeline's loader thread while the next was polled, so a kill lands in that path.
 * Args: bus (an embedded bus's directory, or {@code kafka:<bootstrap servers>} for a member of a group on a Kafka
 * broker, with a 6 s session so that a killed member's partitions move soon), jdbcUrl, user, password, table,
 * offsetsTable, groupId, topic, total, batchSize.
 */
public final class ExactlyOnceSinkProcess {

    static final String KAFKA = "kafka:";

    private ExactlyOnceSinkProcess() {
    }

    public static void main(String[] args) throws Exception {
        String busArg = args[0];
        String url = args[1];
        String user = args[2];
        String password = args[3];
        String table = args[4];
        String offsetsTable = args[5];
        String group = args[6];
        String topic = args[7];
        long total = Long.parseLong(args[8]);
        int batchSize = Integer.parseInt(args[9]);
        JdbcDialect dialect = JdbcDialect.fromUrl(url);
        boolean pipelined = dialect != JdbcDialect.H2;
        JdbcSinkConfig config = new JdbcSinkConfig(topic, group, table, WriteMode.INSERT, List.of(), false, Map.of(),
                false, true, offsetsTable, batchSize, 100);
        try (Bus bus = busArg.startsWith(KAFKA) ? Bus.kafka(new KafkaBusConfig(Map.of("bootstrap.servers", busArg.substring(KAFKA.length())),
                Map.of(), Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 1000), (short) 1, 1, true))
                : BusFixture.open(Path.of(busArg));
             HikariDataSource ds = ConnectionPools.create("crash-child", url, user, password, 2);
             JdbcSinkTask task = new JdbcSinkTask(ds, dialect, config, bus)) {
            boolean ready = false;
            while (true) {
                int written;
                try {
                    written = task.poll();
                } catch (java.sql.SQLException | JdbcConfigException | RecordMappingException e) {
                    // as JdbcSinkPoller does: logged, retried after a pause (e.g. two members creating the offsets table at once)
                    System.out.println("RETRY after " + e);
                    Thread.sleep(200);
                    continue;
                }
                boolean done = written == 0 && writtenUpTo(ds, dialect, offsetsTable) >= total;
                if (!ready && (done || !pipelined || task.batchesLoadedAhead() > 0)) {
                    System.out.println("READY");
                    System.out.flush();
                    ready = true;
                }
                if (done) {
                    System.out.println("DONE");
                    System.out.flush();
                    return;
                }
            }
        }
    }

    private static long writtenUpTo(HikariDataSource ds, JdbcDialect dialect, String offsetsTable) throws Exception {
        return JdbcTestRows.count(ds, "SELECT COALESCE(SUM(" + dialect.quote("next_offset") + "), 0) FROM "
                + dialect.quoteQualified(offsetsTable));
    }
}
