package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Child JVM of {@link JdbcSinkCrashTest}: runs an exactly-once JDBC sink from an embedded bus into an H2 file
 * database until every record is written (prints DONE), unless the test kills it first with SIGKILL.
 * Args: busDir, jdbcUrl, table, offsetsTable, groupId, topic, total.
 */
public final class ExactlyOnceSinkProcess {

    private ExactlyOnceSinkProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path busDir = Path.of(args[0]);
        String url = args[1];
        String table = args[2];
        String offsetsTable = args[3];
        String group = args[4];
        String topic = args[5];
        long total = Long.parseLong(args[6]);
        JdbcSinkConfig config = new JdbcSinkConfig(topic, group, table, WriteMode.INSERT, List.of(), false, Map.of(),
                false, true, offsetsTable, 50, 100);
        try (Bus bus = BusFixture.open(busDir);
             HikariDataSource ds = ConnectionPools.create("crash-child", url, "sa", "", 2);
             JdbcSinkTask task = new JdbcSinkTask(ds, JdbcDialect.H2, config, bus)) {
            task.poll(); // joins the group and writes a first batch: from here on a kill lands mid-stream
            System.out.println("READY");
            System.out.flush();
            while (true) {
                if (task.poll() == 0 && writtenUpTo(ds, offsetsTable) >= total) {
                    System.out.println("DONE");
                    System.out.flush();
                    return;
                }
            }
        }
    }

    private static long writtenUpTo(HikariDataSource ds, String offsetsTable) throws Exception {
        return JdbcTestRows.count(ds, "SELECT COALESCE(SUM(\"next_offset\"), 0) FROM \"" + offsetsTable + "\"");
    }
}
