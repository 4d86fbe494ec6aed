package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.busbar.bus.Bus;
import io.busbar.bus.ConsumedRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Typed CSV into a table nobody created, through the real kamelets in a YAML pipeline: the file-source types the
 * fields (csvColumnTypes, csvInferTypes) and dead-letters the row that does not parse; the jdbc-sink creates the table
 * from the JSON (autoCreate, keyColumns), stores the zoned timestamp in its timestampZone, and adds the column a
 * later file brings (autoEvolve) — on H2, PostgreSQL and MariaDB.
 */
class CsvToAutoCreatedTableTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void typedCsvRowsCreateAndEvolveTheTable(TestDatabase db) throws Exception {
        db.assumeAvailable();
        String table = TestDatabase.uniqueName("payments");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        String yaml = """
                - route:
                    id: csv-in
                    from:
                      uri: kamelet:file-source
                      parameters:
                        directory: "%s"
                        topic: payments
                        format: csv
                        csvColumnTypes: "amount:decimal,qty:int,paid:boolean,created_at:timestamp"
                        csvInferTypes: true
                        onMalformed: dead-letter
                        deadLetterTopic: payments.bad-rows
                        readLockCheckInterval: 200
                        delay: 100
                      steps:
                        - log: "file read"
                - route:
                    id: to-table
                    autoStartup: false
                    from:
                      uri: kamelet:jdbc-sink
                      parameters:
                        jdbcUrl: "%s"
                        username: "%s"
                        topic: payments
                        groupId: payments-to-db
                        table: %s
                        writeMode: upsert
                        keyColumns: id
                        autoCreate: true
                        autoEvolve: true
                        timestampZone: "+09:00"
                      steps:
                        - log: "wrote ${body}"
                """.formatted(inbox, db.url, db.user, table);
        try (HikariDataSource ds = db.pool(); Bus bus = BusFixture.open(dir.resolve("bus"));
             CamelContext camel = new DefaultCamelContext()) {
            try {
                camel.getRegistry().bind("bus", bus);
                PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("payments.yaml", yaml));
                camel.start();
                Path first = Files.writeString(inbox.resolve("day1.csv"), "id,amount,qty,paid,created_at,note\n"
                        + "1,10.50,3,yes,2026-11-02T01:01:00,first\n"
                        + "2,,,,,\n"
                        + "3,abc,1,true,2026-11-02T01:01:00,bad amount\n"
                        + "4,-0.01,2,no,2026-11-02T01:01:00Z,fourth\n");
                await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(first));
                camel.getRouteController().startRoute("to-table");
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table) == 3);

                TableColumns created = SchemaEvolutionTest.columns(ds, table);
                assertThat(created.primaryKey()).hasSize(1);
                assertThat(SchemaEvolutionTest.type(created, "id")).as("inferred from 1, 2, 4").isEqualTo(Types.BIGINT);
                assertThat(SchemaEvolutionTest.type(created, "amount")).isIn(Types.NUMERIC, Types.DECIMAL);
                assertThat(SchemaEvolutionTest.type(created, "qty")).isEqualTo(Types.BIGINT);
                assertThat(SchemaEvolutionTest.type(created, "paid")).isIn(Types.BOOLEAN, Types.BIT);
                assertThat(SchemaEvolutionTest.type(created, "created_at")).isEqualTo(Types.TIMESTAMP);
                Map<Long, List<String>> rows = SchemaEvolutionTest.rows(ds,
                        "SELECT id, amount, qty, paid, created_at, note FROM " + table);
                assertThat(rows.get(1L)).containsExactly("10.5", "3", "true", "2026-11-02T01:01", "first");
                assertThat(rows.get(2L)).containsExactly(null, null, null, null, null);
                assertThat(rows.get(4L)).as("Z stored in +09:00").containsExactly("-0.01", "2", "false", "2026-11-02T10:01", "fourth");
                List<ConsumedRecord> badRows = BusFixture.readAll(bus, "payments.bad-rows");
                assertThat(badRows).extracting(ConsumedRecord::valueAsString)
                        .containsExactly("3,abc,1,true,2026-11-02T01:01:00,bad amount");

                Path second = Files.writeString(inbox.resolve("day2.csv"),
                        "id,amount,qty,paid,created_at,note,channel\n5,7.25,,,,later,web\n");
                await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(second));
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> JdbcTestRows.count(ds, "SELECT COUNT(*) FROM " + table) == 4);
                assertThat(SchemaEvolutionTest.isText(SchemaEvolutionTest.type(SchemaEvolutionTest.columns(ds, table), "channel"))).isTrue();
                assertThat(SchemaEvolutionTest.rows(ds, "SELECT id, amount, qty, channel FROM " + table).get(5L))
                        .containsExactly("7.25", null, "web");
            } finally {
                camel.stop();
                TestDatabase.execute(ds, "DROP TABLE IF EXISTS " + table);
            }
        }
    }
}
