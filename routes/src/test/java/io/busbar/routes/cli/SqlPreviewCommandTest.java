package io.busbar.routes.cli;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.routes.ExitCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code busbar sql preview} on a stopped data directory, against H2, PostgreSQL and MariaDB (when reachable; under
 * CI=true an unreachable server fails): it prints the CREATE TABLE or the ALTER TABLE ADD COLUMN the jdbc-sink would
 * run, and runs none of it.
 */
class SqlPreviewCommandTest {

    enum Db {
        H2("jdbc:h2:mem:preview_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", 0),
        POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/test", "postgres", 5432),
        MARIADB("jdbc:mariadb://127.0.0.1:3306/test", "root", 3306);

        final String url;
        final String user;
        final int port;

        Db(String url, String user, int port) {
            this.url = url;
            this.user = user;
            this.port = port;
        }

        void assumeAvailable() {
            if (port == 0) {
                return;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            } catch (java.io.IOException e) {
                String message = name() + " at 127.0.0.1:" + port + " is unreachable (" + e.getMessage() + ")";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new AssertionError(message + "; CI=true, so this fails instead of skipping");
                }
                Assumptions.abort(message + ": start it to run this test; skipped");
            }
        }

        Connection connect() throws Exception {
            Connection c = DriverManager.getConnection(url, user, "");
            c.setAutoCommit(true);
            return c;
        }
    }

    @TempDir
    Path dataDir;

    @BeforeEach
    void fillTopic() throws Exception {
        try (Bus bus = Bus.open(BusConfig.builder(dataDir).build())) {
            for (String json : List.of(
                    "{\"id\":1,\"amount\":10,\"paid\":true,\"created_at\":\"2026-11-02T01:01:00Z\",\"name\":\"a\"}",
                    "{\"id\":2,\"amount\":10.5,\"paid\":false,\"created_at\":\"2026-11-02T01:01:00\",\"note\":\"new\"}",
                    "not json")) {
                bus.producer().send("events", BusRecord.of(null, json)).get();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void printsTheCreateTableWithoutRunningIt(Db db) throws Exception {
        db.assumeAvailable();
        String table = "preview_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        CliTest.Result r = preview(db, table, "--key-columns", "id");

        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        List<String> ddl = r.lines();
        assertThat(ddl).hasSize(1);
        String create = ddl.get(0).toUpperCase(Locale.ROOT);
        assertThat(create).startsWith("CREATE TABLE IF NOT EXISTS").contains(table.toUpperCase(Locale.ROOT))
                .contains("PRIMARY KEY").contains("BIGINT").contains("BOOLEAN").endsWith(";");
        assertThat(create).containsAnyOf("NUMERIC", "DECFLOAT", "DECIMAL(65,30)");
        assertThat(create).containsAnyOf("TIMESTAMP(6)", "DATETIME(6)");
        assertThat(r.err()).contains("3 record(s) of events read (1 not JSON)").contains("nothing was run");
        assertThat(tableColumns(db, table)).as("the table is still absent").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Db.class)
    void printsOnlyTheColumnsTheTableLacks(Db db) throws Exception {
        db.assumeAvailable();
        String table = "preview_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, amount DECIMAL(10,2), name VARCHAR(20))");
        }
        try {
            CliTest.Result r = preview(db, table);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
            assertThat(r.lines()).hasSize(3).allSatisfy(l -> assertThat(l.toUpperCase(Locale.ROOT))
                    .startsWith("ALTER TABLE").contains("ADD COLUMN IF NOT EXISTS"));
            assertThat(String.join("\n", r.lines()).toLowerCase(Locale.ROOT)).contains("paid", "created_at", "note")
                    .doesNotContain("amount");
            assertThat(tableColumns(db, table)).as("no column was added").containsExactly("id", "amount", "name");
        } finally {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("DROP TABLE " + table);
            }
        }
    }

    @Test
    void printsJsonWithJson() throws Exception {
        String table = "preview_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        CliTest.Result r = preview(Db.H2, table, "--json", "--no-auto-create");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.OK);
        com.fasterxml.jackson.databind.JsonNode json = io.busbar.routes.admin.Json.MAPPER.readTree(r.out());
        assertThat(json.path("records").asInt()).isEqualTo(3);
        assertThat(json.path("notJson").asInt()).isEqualTo(1);
        assertThat(json.path("ddl")).as("autoCreate off: a missing table gets no DDL").isEmpty();
        CliTest.Result created = preview(Db.H2, table, "--json");
        assertThat(io.busbar.routes.admin.Json.MAPPER.readTree(created.out()).path("ddl").get(0).asText())
                .startsWith("CREATE TABLE IF NOT EXISTS");
    }

    @Test
    void anUnsupportedJdbcUrlIsAConfigurationError() {
        CliTest.Result r = CliTest.run("sql", "preview", "events", "--jdbc-url", "jdbc:oracle:thin:@x", "--table", "t",
                "--data-dir", dataDir.toString());
        assertThat(r.exit()).isEqualTo(ExitCode.CONFIG);
        assertThat(r.err()).startsWith("busbar: ").contains("jdbc:postgresql:");
    }

    @Test
    void aMissingTopicIsAFailure() {
        CliTest.Result r = CliTest.run("sql", "preview", "nope", "--jdbc-url", Db.H2.url, "--user", "sa", "--table", "t",
                "--data-dir", dataDir.toString());
        assertThat(r.exit()).isEqualTo(ExitCode.FAILURE);
        assertThat(r.err()).startsWith("busbar: ").contains("nope");
    }

    private CliTest.Result preview(Db db, String table, String... more) {
        List<String> args = new ArrayList<>(List.of("sql", "preview", "events", "--jdbc-url", db.url, "--user", db.user,
                "--password", "", "--table", table, "--data-dir", dataDir.toString()));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    /** The table's column names in lower case, in order; empty when it does not exist. */
    private static List<String> tableColumns(Db db, String table) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = db.connect()) {
            for (String candidate : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), null, candidate, null)) {
                    while (rs.next()) {
                        names.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
                if (!names.isEmpty()) {
                    break;
                }
            }
        }
        return names;
    }
}
