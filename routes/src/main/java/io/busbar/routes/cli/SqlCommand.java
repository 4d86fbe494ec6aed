package io.busbar.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.BusException;
import io.busbar.connectors.jdbc.JdbcConfigException;
import io.busbar.connectors.jdbc.JdbcDialect;
import io.busbar.connectors.jdbc.JdbcSinkConfig;
import io.busbar.connectors.jdbc.SchemaEvolution;
import io.busbar.routes.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code busbar sql preview}: the DDL a jdbc-sink with autoCreate/autoEvolve would run for a topic's records. */
@Command(name = "sql", description = "SQL helpers for the jdbc-sink.", mixinStandardHelpOptions = true,
        subcommands = { SqlCommand.Preview.class })
public final class SqlCommand {

    /**
     * Reads the newest records of a topic (through the admin API, or the data directory of a stopped Busbar), compares
     * the JSON fields with the live table and prints the {@code CREATE TABLE} / {@code ALTER TABLE ... ADD COLUMN} the
     * sink would run — the same {@link SchemaEvolution} plan — without running it. The database is only read.
     */
    @Command(name = "preview", mixinStandardHelpOptions = true,
            description = "Print the DDL a jdbc-sink with autoCreate/autoEvolve would run for a topic's records,"
                    + " without running it.")
    static final class Preview implements Callable<Integer> {

        @Mixin
        AdminTarget target;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic the sink consumes.")
        String topic;

        @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
                description = "jdbc:h2:..., jdbc:postgresql://host:5432/db or jdbc:mariadb://host:3306/db.")
        String jdbcUrl;

        @Option(names = "--user", paramLabel = "USER", defaultValue = "", description = "Database user.")
        String user;

        @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:BUSBAR_JDBC_PASSWORD}",
                description = "Database password (default env BUSBAR_JDBC_PASSWORD).")
        String password;

        @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The sink's table.")
        String table;

        @Option(names = "--key-columns", paramLabel = "COLUMNS", split = ",",
                description = "Primary key of a created table (the sink's keyColumns).")
        List<String> keyColumns = new ArrayList<>();

        @Option(names = "--field-map", paramLabel = "MAP", description = "field:column pairs (the sink's fieldMap).")
        String fieldMap;

        @Option(names = "--max", defaultValue = "1000", paramLabel = "N",
                description = "Read the N newest records (default 1000, at most 10000).")
        int max;

        @Option(names = "--auto-create", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Create the table when missing (default; --no-auto-create: as autoCreate=false).")
        boolean autoCreate;

        @Option(names = "--auto-evolve", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Add columns for new fields (default; --no-auto-evolve: as autoEvolve=false).")
        boolean autoEvolve;

        @Option(names = "--empty-string-as-null", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "As the sink's emptyStringAsNull (default true): an empty string says nothing of a type.")
        boolean emptyStringAsNull;

        @Override
        public Integer call() {
            try {
                if (max < 1 || max > 10_000) {
                    throw new JdbcConfigException("--max " + max + " is out of range: give 1 to 10000");
                }
                JdbcDialect dialect = JdbcDialect.fromUrl(jdbcUrl);
                SchemaEvolution evolution = new SchemaEvolution(table, autoCreate, autoEvolve, keyColumns,
                        JdbcSinkConfig.parseFieldMap(fieldMap), emptyStringAsNull);
                List<JsonNode> values = new ArrayList<>();
                int read = readValues(values);
                List<String> ddl;
                try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
                    connection.setReadOnly(true);
                    ddl = evolution.plan(connection, dialect, values);
                }
                if (target.json) {
                    var json = io.busbar.routes.admin.Json.MAPPER.createObjectNode().put("topic", topic)
                            .put("table", table).put("records", read).put("notJson", read - values.size());
                    ddl.forEach(json.putArray("ddl")::add);
                    out().println(json.toPrettyString());
                } else {
                    for (String statement : ddl) {
                        out().println(statement + ";");
                    }
                }
                err().println(read + " record(s) of " + topic + " read (" + (read - values.size()) + " not JSON); "
                        + (ddl.isEmpty() ? "table " + table + " needs no change" : ddl.size() + " statement(s)")
                        + "; nothing was run");
                return ExitCode.OK;
            } catch (JdbcConfigException e) {
                err().println("busbar: " + e.getMessage());
                return ExitCode.CONFIG;
            } catch (SQLException e) {
                err().println("busbar: database " + jdbcUrl + ": " + e.getMessage() + " (SQLState " + e.getSQLState()
                        + "): check --jdbc-url, --user and --password");
                return ExitCode.FAILURE;
            } catch (AdminCallException | BusException e) {
                err().println("busbar: " + e.getMessage());
                return ExitCode.FAILURE;
            } finally {
                out().flush();
                err().flush();
            }
        }

        /** The newest {@code max} record values across partitions; returns how many records were read. */
        private int readValues(List<JsonNode> values) {
            try (AdminClient client = target.connect()) {
                JsonNode read = client.get("/api/topics/" + topic + "/records",
                        Map.of("from", "recent", "limit", Integer.toString(max)));
                int n = 0;
                for (JsonNode r : read.path("records")) {
                    n++;
                    JsonNode value = r.path("value").isNull() ? null
                            : SchemaEvolution.parseValue(r.path("value").asText().getBytes(StandardCharsets.UTF_8));
                    if (value != null && value.isObject()) {
                        values.add(value);
                    }
                }
                return n;
            }
        }

        private PrintWriter out() {
            return spec.commandLine().getOut();
        }

        private PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }
}
