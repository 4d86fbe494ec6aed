package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

import static io.busbar.connectors.jdbc.JdbcTestRows.field;
import static org.assertj.core.api.Assertions.assertThat;

class RowJsonMapperTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void mapsEverySqlTypeToStableJson(TestDatabase db) throws Exception {
        try (HikariDataSource ds = db.pool()) {
            String table = TestDatabase.uniqueName("types");
            TestDatabase.execute(ds, db.allTypesTable(table));
            try {
                JdbcTestRows.insertAllTypes(db, ds, table);
                List<ObjectNode> rows = JdbcTestRows.readAll(ds, table);
                assertThat(rows).hasSize(3);
                ObjectNode row = rows.get(0);

                assertThat(field(row, "small_v").isIntegralNumber()).isTrue();
                assertThat(field(row, "small_v").longValue()).isEqualTo(12345);
                assertThat(field(row, "int_v").longValue()).isEqualTo(Integer.MAX_VALUE);
                assertThat(field(row, "big_v").longValue()).isEqualTo(Long.MAX_VALUE);
                assertThat(field(row, "dec_v").isBigDecimal()).isTrue();
                assertThat(field(row, "dec_v").decimalValue()).isEqualByComparingTo(JdbcTestRows.DECIMAL_30_DIGITS);
                // exact, plain JSON number: never through double, never 1.23E+19
                assertThat(RecordJson.MAPPER.writeValueAsString(row)).contains("12345678901234567890.1234567890");
                assertThat(field(row, "dbl_v").doubleValue()).isEqualTo(3.5);
                assertThat(field(row, "bool_v").isBoolean()).isTrue();
                assertThat(field(row, "bool_v").booleanValue()).isTrue();
                assertThat(field(row, "date_v").textValue()).isEqualTo("2026-11-25");
                assertThat(field(row, "time_v").textValue()).isEqualTo("13:45:10");
                assertThat(field(row, "ts_v").textValue()).isEqualTo("2026-11-25T13:45:10.123456");
                if (db.hasZonedTimestamp()) {
                    assertThat(OffsetDateTime.parse(field(row, "tstz_v").textValue()).toInstant())
                            .isEqualTo(JdbcTestRows.ZONED.toInstant());
                } else {
                    assertThat(field(row, "tstz_v").textValue()).isEqualTo("2026-11-25T13:45:10.123456");
                }
                assertThat(field(row, "text_v").textValue()).isEqualTo(JdbcTestRows.TEXT);
                assertThat(RecordJson.MAPPER.writeValueAsString(row)).contains("\"" + Base64.getEncoder().encodeToString(JdbcTestRows.BYTES) + "\"");

                Iterator<String> names = rows.get(1).fieldNames();
                names.forEachRemaining(n -> {
                    if (!n.equalsIgnoreCase("id")) {
                        assertThat(rows.get(1).get(n).isNull()).as(db + " " + n + " of the NULL row").isTrue();
                    }
                });

                JsonNode third = rows.get(2);
                assertThat(field(third, "dec_v").decimalValue()).isEqualByComparingTo(JdbcTestRows.NEGATIVE_DECIMAL_30_DIGITS);
                assertThat(field(third, "big_v").longValue()).isEqualTo(Long.MIN_VALUE);
                assertThat(field(third, "bool_v").booleanValue()).isFalse();
                assertThat(field(third, "time_v").textValue()).isEqualTo("00:00:00");
                assertThat(field(third, "ts_v").textValue()).isEqualTo("2000-02-29T00:00:00");
                assertThat(field(third, "text_v").textValue()).isEmpty();
            } finally {
                TestDatabase.execute(ds, "DROP TABLE " + table);
            }
        }
    }
}
