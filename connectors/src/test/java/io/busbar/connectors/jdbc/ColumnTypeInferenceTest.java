package io.busbar.connectors.jdbc;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnTypeInferenceTest {

    private static Map<String, InferredType> infer(boolean emptyStringAsNull, String... values) throws Exception {
        ColumnTypeInference inference = new ColumnTypeInference(emptyStringAsNull);
        for (String v : values) {
            inference.observe(RecordJson.MAPPER.readTree(v));
        }
        return inference.types();
    }

    @Test
    void infersEachKindOfValue() throws Exception {
        Map<String, InferredType> types = infer(true, "{\"b\":true,\"i\":1,\"d\":1.5,\"big\":123456789012345678901234567890,"
                + "\"day\":\"2026-11-25\",\"ts\":\"2026-11-25T13:45:10.5\",\"tz\":\"2026-11-25T13:45:10+09:00\","
                + "\"z\":\"2026-11-25T13:45:10Z\",\"s\":\"2026-13-45\",\"o\":{\"a\":1},\"a\":[1],\"n\":null,\"e\":\"\"}");
        assertThat(types.keySet()).containsExactly("b", "i", "d", "big", "day", "ts", "tz", "z", "s", "o", "a", "n", "e");
        assertThat(new java.util.ArrayList<>(types.values())).containsExactly(InferredType.BOOLEAN, InferredType.BIGINT,
                InferredType.DECIMAL, InferredType.DECIMAL, InferredType.DATE, InferredType.TIMESTAMP,
                InferredType.TIMESTAMPTZ, InferredType.TIMESTAMPTZ, InferredType.TEXT, InferredType.TEXT, InferredType.TEXT,
                null, null);
    }

    @Test
    void widensOverTheRecordsAndNeverNarrows() throws Exception {
        Map<String, InferredType> types = infer(true,
                "{\"n\":1,\"t\":\"2026-11-25T13:45:10Z\",\"mixed\":true,\"late\":null}",
                "{\"n\":2.5,\"t\":\"2026-11-25T13:45:10\",\"mixed\":1,\"late\":\"\"}",
                "{\"n\":3,\"t\":null,\"mixed\":false,\"late\":7}");
        assertThat(types).containsExactly(Map.entry("n", InferredType.DECIMAL), Map.entry("t", InferredType.TIMESTAMP),
                Map.entry("mixed", InferredType.TEXT), Map.entry("late", InferredType.BIGINT));
    }

    @Test
    void anEmptyStringIsTextWhenItIsNotNull() throws Exception {
        assertThat(infer(false, "{\"e\":\"\"}", "{\"e\":5}")).containsEntry("e", InferredType.TEXT);
    }

    @Test
    void ddlFoldsPlainNamesToTheDatabaseCaseAndSpellsTypesPerDialect() {
        Map<String, InferredType> columns = new java.util.LinkedHashMap<>();
        columns.put("ID", InferredType.TEXT);
        columns.put("AMOUNT", InferredType.DECIMAL);
        assertThat(DdlGenerator.createTable(JdbcDialect.H2, "orders", columns, List.of("ID")))
                .isEqualTo("CREATE TABLE IF NOT EXISTS \"ORDERS\" (\"ID\" CHARACTER VARYING NOT NULL, \"AMOUNT\" DECFLOAT,"
                        + " PRIMARY KEY (\"ID\"))");
        Map<String, InferredType> maria = new java.util.LinkedHashMap<>();
        maria.put("id", InferredType.TEXT);
        maria.put("note", null);
        assertThat(DdlGenerator.createTable(JdbcDialect.MARIADB, "Orders", maria, List.of("id")))
                .isEqualTo("CREATE TABLE IF NOT EXISTS `Orders` (`id` VARCHAR(255) NOT NULL, `note` LONGTEXT,"
                        + " PRIMARY KEY (`id`)) DEFAULT CHARSET=utf8mb4");
        assertThat(DdlGenerator.addColumn(JdbcDialect.POSTGRESQL, "public.orders", "created at", InferredType.TIMESTAMPTZ))
                .isEqualTo("ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"created at\" TIMESTAMPTZ(6)");
        assertThat(DdlGenerator.storedName(JdbcDialect.POSTGRESQL, "Sales.Orders")).isEqualTo("sales.orders");
        assertThat(DdlGenerator.storedName(JdbcDialect.H2, "first name")).isEqualTo("first name");
    }
}
